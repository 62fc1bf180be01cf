"""The fault soak's plan, drawn up front from one seed so a run can be replayed.

API faults are the simulator's `script` queues: one action per request, in arrival order
(`ok` or a fault), so what was injected is exactly the first `requests[endpoint]` actions
of each queue. Callback faults are the simulator's switches, set for a group of settles.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

API_FAULTS: dict[str, dict[str, Any]] = {
    "error_500": {"kind": "error", "status": 500},
    "error_502": {"kind": "error", "status": 502},
    "error_503": {"kind": "error", "status": 503},
    "rate_limited_429": {"kind": "error", "status": 429, "retry_after": "1"},
    "hang": {"kind": "hang"},
    "reset": {"kind": "reset"},
    "malformed": {"kind": "malformed"},
}
CALLBACK_FAULTS = ("drop", "duplicate", "reorder", "delay")
CALLBACK_SWITCHES: dict[str, dict[str, Any]] = {
    "normal": {"callback_drop": False, "callback_duplicate": False,
               "callback_reorder": False, "callback_delay_ms": 0},
    "drop": {"callback_drop": True},
    "duplicate": {"callback_duplicate": True},
    "reorder": {"callback_reorder": True},
    "delay": {"callback_delay_ms": 30},
}
# What the student does on the hosted page; `abandon` never comes back.
OUTCOMES = {"pay": 50, "decline": 8, "insufficient_funds": 5, "cancel": 12, "abandon": 25}
FAULT_RATE = 0.20


@dataclass(frozen=True)
class FlowPlan:
    number: int
    amount: int
    outcome: str
    callback: str  # normal or one of CALLBACK_FAULTS
    verify: bool  # the student presses "check my payment" after paying


@dataclass
class SoakPlan:
    seed: int
    flows: list[FlowPlan]
    scripts: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def draw(cls, seed: int, flows: int) -> SoakPlan:
        rng = random.Random(seed)
        kinds, weights = list(OUTCOMES), list(OUTCOMES.values())
        plans = [FlowPlan(
            number=n, amount=rng.choice([100, 19900, 49900]),
            outcome=rng.choices(kinds, weights)[0],
            callback=rng.choice(CALLBACK_FAULTS) if rng.random() < FAULT_RATE else "normal",
            verify=rng.random() < 0.3) for n in range(flows)]
        lengths = {"create": 6 * flows, "status": 8 * flows, "history": 400}
        scripts = {endpoint: [rng.choice(list(API_FAULTS)) if rng.random() < FAULT_RATE
                              else "ok" for _ in range(length)]
                   for endpoint, length in lengths.items()}
        return cls(seed, plans, scripts)

    def script_chunks(self, size: int = 1000) -> list[dict[str, list[dict[str, Any]]]]:
        """The `script` knob in pieces the simulator appends (its bodies are capped):
        every planned answer, `ok` included."""
        return [{endpoint: [API_FAULTS.get(kind, {"kind": "ok"})
                            for kind in kinds[start:start + size]]}
                for endpoint, kinds in self.scripts.items()
                for start in range(0, len(kinds), size)]

    def injected(self, requests: dict[str, int]) -> dict[str, dict[str, int]]:
        """Faults actually served: the consumed head of each queue, by kind."""
        return {endpoint: dict(sorted(Counter(
                    k for k in kinds[:requests.get(endpoint, 0)] if k != "ok").items()))
                for endpoint, kinds in self.scripts.items()}

    def callback_groups(self) -> dict[str, int]:
        return dict(sorted(Counter(f.callback for f in self.flows
                                   if f.outcome != "abandon").items()))
