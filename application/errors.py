"""Application-level failures, each carrying one classification code."""

from __future__ import annotations

from domain.classification import ClassifiedFailure


class NotFound(ClassifiedFailure):
    """Missing, or not the caller's: both answer the same so ids cannot be probed."""

    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what} not found")


class Forbidden(ClassifiedFailure):
    def __init__(self, detail: str) -> None:
        super().__init__("forbidden", detail)


class ConcurrentUpdate(ClassifiedFailure):
    """Another transaction changed the same row first; the use-case may be retried."""

    def __init__(self, detail: str = "a concurrent update won the race") -> None:
        super().__init__("concurrent_update", detail)


class InvalidInput(ClassifiedFailure):
    def __init__(self, detail: str, code: str = "invalid_request") -> None:
        super().__init__(code, detail)


class AlreadyEnrolled(ClassifiedFailure):
    """One purchase per course: the student's existing enrollment is named, so the
    platform can open it instead of selling the course twice."""

    def __init__(self, enrollment_id: str, status: str) -> None:
        super().__init__("already_enrolled",
                         f"the student already has enrollment {enrollment_id} ({status}) "
                         "for this course")
        self.extra = {"enrollment_id": enrollment_id}


class StorageUnavailable(ClassifiedFailure):
    """The database cannot be reached (refused, restarting, connection lost, file not
    openable): retryable, and never the payment provider's fault. Storage adapters raise
    it from their driver's connection failures; the driver's message stays in the cause."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("storage_unavailable", detail)
