"""Which database errors mean "someone else won the race".

A unique or check violation, a serialization failure or a deadlock all say the same
thing to a use-case: your view was stale. They become ConcurrentUpdate, so
`Transactions.run` re-runs the use-case on fresh state, where the domain then refuses
(or no-ops) properly instead of the request failing with a 500.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

_RACE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def is_conflict(exc: BaseException) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return code in _RACE_SQLSTATES
    return False
