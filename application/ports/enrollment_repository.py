"""Port: enrollments, as one unit of work sees them."""

from __future__ import annotations

from typing import Protocol

from domain.enrollment import Enrollment


class EnrollmentRepository(Protocol):
    """The enrollments of one `UnitOfWork` (reached as `uow.enrollments`).

    Contract: as for payments — entities owned by the unit of work, changes written and
    version-checked by `commit`, `add` only staged. One holding (awaiting payment or
    active) enrollment per student and course: a second one fails at commit with
    `ConcurrentUpdate`.
    """

    async def add(self, enrollment: Enrollment) -> None: ...
    async def get(self, enrollment_id: str) -> Enrollment | None: ...
    async def holding(self, student_id: str, course_id: str) -> Enrollment | None:
        """The student's enrollment in the course that is awaiting payment or active."""
        ...
