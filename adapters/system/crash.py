"""A probe that kills this process (os._exit: no cleanup, no flush, like SIGKILL) the
n-th time a named point is reached. For reliability tests only."""

from __future__ import annotations

import os
from collections import Counter

from application.probes import POINTS

CRASH_EXIT_CODE = 137


def parse_crash_points(spec: str) -> dict[str, int]:
    """`after_inbox_commit:3,before_commit:10` -> {point: n}; unknown points are refused."""
    points: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, count = part.partition(":")
        if name not in POINTS:
            raise ValueError(f"unknown crash point {name!r}; known: {', '.join(POINTS)}")
        points[name] = int(count or 1)
    return points


class CrashingProbe:
    def __init__(self, points: dict[str, int]) -> None:
        self._points = points
        self.seen: Counter[str] = Counter()

    def reached(self, point: str) -> None:
        self.seen[point] += 1
        if self._points.get(point) == self.seen[point]:
            os._exit(CRASH_EXIT_CODE)
