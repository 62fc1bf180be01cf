"""Wall-clock time and random ids for production; tests inject fixed ones."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomIds:
    """`prefix_` + 20 characters of Crockford-style base32 (100 bits of randomness)."""

    def new_id(self, prefix: str) -> str:
        bits = int.from_bytes(secrets.token_bytes(13), "big") >> 4  # 100 random bits
        return f"{prefix}_" + "".join(_ALPHABET[(bits >> shift) & 31]
                                      for shift in range(95, -1, -5))


class FixedClock:
    """A clock that only moves when told to: deterministic tests and simulations."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class SequentialIds:
    def __init__(self) -> None:
        self._n = 0

    def new_id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}_{self._n:08d}"
