"""Named points in the money paths where a reliability test may stop the process.

Production wires `NoProbe`. Tests (never production: the safety check refuses it) wire a
probe that kills the process at a chosen point, to prove that what was committed before
the point is enough to finish the work after a restart.
"""

from __future__ import annotations

from typing import Protocol

AFTER_INBOX_COMMIT = "after_inbox_commit"
BEFORE_COMMIT = "before_commit"
AFTER_RELAY_PUBLISH = "after_relay_publish"
INSIDE_REFUND = "inside_refund"
POINTS = (AFTER_INBOX_COMMIT, BEFORE_COMMIT, AFTER_RELAY_PUBLISH, INSIDE_REFUND)


class Probe(Protocol):
    def reached(self, point: str) -> None: ...


class NoProbe:
    def reached(self, point: str) -> None:
        return None
