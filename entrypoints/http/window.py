"""Parse a stats window such as `24h`, `90m` or `7d`."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.classification import ClassifiedFailure

_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_PATTERN = re.compile(r"^([1-9][0-9]{0,4})([mhd])$")
SHORTEST, LONGEST = timedelta(minutes=5), timedelta(days=90)


def parse_window(text: str) -> timedelta:
    match = _PATTERN.match(text.strip())
    if match is None:
        raise ClassifiedFailure("invalid_request", "window must look like 90m, 24h or 7d")
    window = int(match.group(1)) * _UNITS[match.group(2)]
    if not SHORTEST <= window <= LONGEST:
        raise ClassifiedFailure("invalid_request", "window must be between 5m and 90d")
    return window
