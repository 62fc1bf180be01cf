"""An admin rolls an activation back (e.g. a course unlocked by mistake), with a reason.

The revocation is a recorded transition, so the audit trail names the admin and the
reason. Money is not touched here: refunds are their own, explicit step.
"""

from __future__ import annotations

from application.actor import Actor, Role
from application.errors import InvalidInput, NotFound
from application.ports import Clock, UnitOfWork
from application.transaction import Transactions
from domain.enrollment import Enrollment

MAX_REASON = 500


class RevertEnrollment:
    def __init__(self, tx: Transactions, clock: Clock) -> None:
        self._tx, self._clock = tx, clock

    async def __call__(self, actor: Actor, enrollment_id: str, reason: str) -> Enrollment:
        actor.require(Role.ADMIN)
        if not reason.strip() or len(reason) > MAX_REASON:
            raise InvalidInput(f"reason must be 1-{MAX_REASON} characters", "reason_required")

        async def work(uow: UnitOfWork) -> Enrollment:
            enrollment = await uow.enrollments.get(enrollment_id)
            if enrollment is None:
                raise NotFound("enrollment")
            enrollment.revoke(reason=reason.strip(), at=self._clock.now(), actor=actor.label)
            return enrollment

        return await self._tx.run(work)
