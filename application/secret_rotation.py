"""Secret rotation without downtime: a current secret, and during a grace period the
previous one too (docs/operations.md "Rotating secrets").

Verification tries the current secret first, then the previous one while
`now < grace_until`. Each time the previous one is what matched, the observer counts it
(`skillpay_previous_secret_used_total{secret=...}`) and a log line says so, at most once
a minute per secret with the number of uses since the last line, so a busy rotation
does not flood the logs. Nothing here ever logs or raises with a secret in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from application.ports import Clock, PreviousSecretObserver

log = logging.getLogger("skillpay.security")
LOG_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class RotatingSecret:
    """`name` labels the metric and the log line (`jwt`, `callback`); never the value."""

    name: str
    current: str = field(repr=False)
    previous: str = field(default="", repr=False)
    grace_until: datetime | None = None

    def in_grace(self, now: datetime) -> bool:
        return bool(self.previous) and self.grace_until is not None and now < self.grace_until

    def accepted(self, now: datetime) -> tuple[str, ...]:
        """The secrets that verify at `now`: current first."""
        return (self.current, self.previous) if self.in_grace(now) else (self.current,)


class _UtcNow:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SecretRotation:
    """Which secrets verify now (injected clock), and a record when the previous did."""

    def __init__(self, secret: RotatingSecret, clock: Clock | None = None,
                 observer: PreviousSecretObserver | None = None) -> None:
        self.secret = secret
        self._clock: Clock = clock or _UtcNow()
        self._observer = observer
        self._last_line: datetime | None = None
        self._unlogged = 0

    @classmethod
    def fixed(cls, secret: str, name: str = "secret") -> SecretRotation:
        """One secret, no previous: what verification did before rotation existed."""
        return cls(RotatingSecret(name, secret))

    def accepted(self) -> tuple[str, ...]:
        return self.secret.accepted(self._clock.now())

    def matches(self, check: Callable[[str], bool], *, record: bool = True) -> bool:
        """True when `check(secret)` holds for the current secret or, in the grace period,
        the previous one. Past the grace period a match by the previous secret is refused,
        and logged so the operator knows someone still uses it. `record=False`: a second
        look at something already verified (no count, no log line)."""
        if check(self.secret.current):
            return True
        if not self.secret.previous:
            return False
        now = self._clock.now()
        if not self.secret.in_grace(now):
            if record and check(self.secret.previous):
                log.warning("refused: signed with the previous %s secret, whose grace period "
                            "ended at %s", self.secret.name, _iso(self.secret.grace_until))
            return False
        if not check(self.secret.previous):
            return False
        if record:
            self._used_previous(now)
        return True

    def _used_previous(self, now: datetime) -> None:
        """Count one use of the previous secret; log it (throttled)."""
        if self._observer is not None:
            self._observer.previous_secret_used(self.secret.name)
        self._unlogged += 1
        if self._last_line is None or now - self._last_line >= LOG_EVERY:
            log.warning("previous %s secret still in use (%d time(s) since the last line); "
                        "it is accepted until %s, then refused", self.secret.name,
                        self._unlogged, _iso(self.secret.grace_until))
            self._last_line, self._unlogged = now, 0


def _iso(when: datetime | None) -> str:
    return when.isoformat().replace("+00:00", "Z") if when is not None else "never"
