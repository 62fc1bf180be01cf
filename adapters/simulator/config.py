"""Simulator settings and fault knobs (settable at start and while running).

Faults are deterministic when asked: `script` queues exact answers per endpoint
("fail the next 2 create calls with 503"), and `error_rate` draws from a seeded RNG.
Endpoints are named `create`, `status` and `history`.

Answer-shape knobs (status and history items; see answers.py):
- `status_lag_ms`: a settled paylink still answers PENDING for this long after it was
  settled (when its callback goes out), measured on `SimulatorConfig.clock`.
- `status_amount_missing`: items carry no `amount`.
- `status_amount_delta`: items report `amount + delta` cents, not what was charged
  (may go to zero or below, to exercise the adapter's malformed-answer path).
- `status_currency`: items also carry `currency` (iK Pay's answers do not).

Callback knobs (see callbacks.py):
- `callback_format`: "compact" (iKhokha's), "pretty" (json indent 2) or "escaped"
  (ensure_ascii and "/" written as "\\/"). The signature is always over the compact
  form, so pretty and escaped bodies verify only through the receiver's fallback.
- `callback_text`: add the unsigned human-readable `text` member.

Clock knob: `clock_skew_s` shifts the simulator's clock as the `Date` header of every
answer shows it (`SimulatorConfig.clock` + this many seconds, either sign), so a client
can be tested against a gateway whose clock disagrees with its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec

ENDPOINTS = ("create", "status", "history")
CALLBACK_FORMATS = ("compact", "pretty", "escaped")


class FaultAction(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=True):
    """One scripted answer: `error` (with `status`, optional `retry_after`), `hang`,
    `reset` (TCP RST), `malformed` (optional raw `body`), or `ok` (answer normally)."""

    kind: str
    status: int = 503
    retry_after: str | None = None
    body: str | None = None


class Faults(msgspec.Struct, forbid_unknown_fields=True):
    latency_ms: int = 0
    script: dict[str, list[FaultAction]] = msgspec.field(default_factory=dict)
    error_rate: dict[str, float] = msgspec.field(default_factory=dict)
    error_status: int = 503
    seed: int = 0
    hang: bool = False
    reset: bool = False
    malformed: bool = False
    callback_drop: bool = False
    callback_duplicate: bool = False
    callback_delay_ms: int = 0
    callback_reorder: bool = False
    callback_text: bool = False
    callback_format: str = "compact"
    status_lag_ms: int = 0
    status_amount_missing: bool = False
    status_amount_delta: int = 0
    status_currency: bool = False
    clock_skew_s: float = 0.0

    def __post_init__(self) -> None:
        """Refuse nonsense at once (POST /_sim/faults answers 400), not mid-test."""
        if self.callback_format not in CALLBACK_FORMATS:
            raise ValueError(f"callback_format must be one of {CALLBACK_FORMATS}")
        if self.status_lag_ms < 0 or self.callback_delay_ms < 0 or self.latency_ms < 0:
            raise ValueError("latency_ms, callback_delay_ms and status_lag_ms must be >= 0")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SimulatorConfig:
    """`webhook_secret` signs callbacks (defaults to the app secret, like iKhokha).
    `public_url` is where browsers reach the checkout page (default: the request's host)."""

    app_id: str
    app_secret: str
    webhook_secret: str | None = None
    public_url: str | None = None
    refunds_enabled: bool = False
    faults: Faults = field(default_factory=Faults)
    clock: Callable[[], datetime] = _utc_now
    callback_timeout_s: float = 5.0

    @property
    def callback_secret(self) -> str:
        return self.webhook_secret or self.app_secret
