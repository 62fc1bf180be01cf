"""Create an enrollment awaiting payment (one per student and course); read one back."""

from __future__ import annotations

from dataclasses import dataclass

from application.actor import Actor, Role
from application.errors import AlreadyEnrolled, InvalidInput, NotFound
from application.ports import Clock, IdGenerator, UnitOfWork
from application.transaction import Transactions
from domain.enrollment import Enrollment
from domain.money import Money

ACCEPTED_CURRENCIES = frozenset({"ZAR"})


@dataclass(frozen=True, slots=True)
class CreateEnrollmentCommand:
    actor: Actor
    student_id: str
    course_id: str
    price: Money


class CreateEnrollment:
    """The platform (service) or an admin opens a course for payment by a student."""

    def __init__(self, tx: Transactions, clock: Clock, ids: IdGenerator,
                 currencies: frozenset[str] = ACCEPTED_CURRENCIES) -> None:
        self._tx, self._clock, self._ids, self._currencies = tx, clock, ids, currencies

    async def __call__(self, cmd: CreateEnrollmentCommand) -> Enrollment:
        cmd.actor.require(Role.SERVICE, Role.ADMIN)
        if cmd.price.currency not in self._currencies:
            raise InvalidInput(f"{cmd.price.currency} is not accepted", "unsupported_currency")
        for name, value in (("student_id", cmd.student_id), ("course_id", cmd.course_id)):
            if not value.strip() or len(value) > 128:
                raise InvalidInput(f"{name} must be 1-128 characters")

        async def work(uow: UnitOfWork) -> Enrollment:
            # One purchase per course. The partial unique index makes a concurrent second
            # insert lose its race; the re-run then lands here and names the winner.
            holding = await uow.enrollments.holding(cmd.student_id, cmd.course_id)
            if holding is not None:
                raise AlreadyEnrolled(holding.id, holding.status.value)
            enrollment = Enrollment.create(
                enrollment_id=self._ids.new_id("enr"), student_id=cmd.student_id,
                course_id=cmd.course_id, price=cmd.price, at=self._clock.now(),
                actor=cmd.actor.label)
            await uow.enrollments.add(enrollment)
            return enrollment

        return await self._tx.run(work)


class GetEnrollment:
    def __init__(self, tx: Transactions) -> None:
        self._tx = tx

    async def __call__(self, actor: Actor, enrollment_id: str) -> Enrollment:
        async def work(uow: UnitOfWork) -> Enrollment:
            enrollment = await uow.enrollments.get(enrollment_id)
            if enrollment is None:
                raise NotFound("enrollment")
            actor.require_owner(enrollment.student_id, "enrollment")
            return enrollment

        return await self._tx.run(work)
