"""What the simulator remembers: paylinks, request counts, callbacks, faults."""

from __future__ import annotations

import asyncio
import random
import secrets
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from adapters.simulator.config import FaultAction, Faults, SimulatorConfig

_ALPHABET = string.ascii_lowercase + string.digits


@dataclass
class SimPaylink:
    paylink_id: str
    external_id: str
    amount: int
    currency: str
    description: str | None
    urls: dict[str, str]
    created_at: datetime
    status: str = "PENDING"
    refunded: int = 0
    settled_at: datetime | None = None  # on the config clock; drives `status_lag_ms`

    def as_status(self) -> dict[str, Any]:
        """The simulator's truth about this paylink (control API, tests' consistency
        checks). What the iK Pay endpoints answer is answers.status_item, shaped like
        iKhokha's and bent by the fault knobs."""
        return {"paylinkID": self.paylink_id, "status": self.status, "amount": self.amount,
                "currency": self.currency, "externalTransactionID": self.external_id,
                "createdAt": self.created_at.isoformat().replace("+00:00", "Z")}


@dataclass
class SimState:
    config: SimulatorConfig
    paylinks: dict[str, SimPaylink] = field(default_factory=dict)
    by_external: dict[str, str] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    held_callbacks: list[SimPaylink] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.faults: Faults = self.config.faults
        self.rng = random.Random(self.faults.seed)

    def set_faults(self, update: dict[str, Any]) -> None:
        """Merge a partial update; `script` entries are appended; `clear` resets all."""
        if update.pop("clear", False):
            self.faults = Faults()
        script = update.pop("script", {})
        merged = {**self._as_dict(), **update}
        merged["script"] = {k: list(v) for k, v in self._as_dict()["script"].items()}
        for endpoint, actions in script.items():
            merged["script"].setdefault(endpoint, []).extend(actions)
        self.faults = msgspec.convert(merged, Faults)
        if "seed" in update:
            self.rng = random.Random(self.faults.seed)

    def _as_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self.faults)  # type: ignore[no-any-return]

    def next_fault(self, endpoint: str) -> FaultAction | None:
        queue = self.faults.script.get(endpoint)
        if queue:
            return queue.pop(0)
        rate = self.faults.error_rate.get(endpoint, 0.0)
        if rate > 0 and self.rng.random() < rate:
            return FaultAction(kind="error", status=self.faults.error_status)
        return None

    def new_paylink_id(self) -> str:
        while True:
            candidate = "".join(secrets.choice(_ALPHABET) for _ in range(15))
            if candidate not in self.paylinks:
                return candidate

    def snapshot(self) -> dict[str, Any]:
        return {"requests": dict(self.requests),
                "paylinks": [p.as_status() for p in self.paylinks.values()],
                "callbacks": self.callbacks, "held_callbacks": len(self.held_callbacks),
                "refunds": self.refunds, "faults": self._as_dict()}

