"""Enrollments: created by the platform (service) or an admin, read by owner or admin."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.idempotency import IdempotentRequests
from application.use_cases.enrollments import (
    CreateEnrollment,
    CreateEnrollmentCommand,
    GetEnrollment,
)
from domain.money import Money
from entrypoints.http.idempotent import IdempotencyKey, run_idempotent
from entrypoints.http.schemas import CreateEnrollmentBody, EnrollmentOut


class EnrollmentController(Controller):
    path = "/api/v1/enrollments"
    tags = ["enrollments"]

    @post("/", operation_id="createEnrollment",
          status_code=201, summary="Create an enrollment awaiting payment",
          description="Roles: service, admin. The price is what checkout will charge.")
    async def create(self, data: JSONBody[CreateEnrollmentBody], actor: NamedDependency[Actor],
                     create_enrollment: NamedDependency[CreateEnrollment],
                     idempotent_requests: NamedDependency[IdempotentRequests],
                     idempotency_key: IdempotencyKey = None) -> Response[EnrollmentOut]:
        async def produce() -> tuple[int, EnrollmentOut]:
            price = Money(data.price.amount, data.price.currency)
            enrollment = await create_enrollment(CreateEnrollmentCommand(
                actor=actor, student_id=data.student_id, course_id=data.course_id, price=price))
            return 201, EnrollmentOut.of(enrollment)

        return await run_idempotent(idempotent_requests, actor, "POST /api/v1/enrollments",
                                    idempotency_key, data, produce, required=False)

    @get("/{enrollment_id:str}", operation_id="getEnrollment",
         summary="Get an enrollment (owner or admin)")
    async def read(self, enrollment_id: FromPath[str], actor: NamedDependency[Actor],
                   get_enrollment: NamedDependency[GetEnrollment]) -> EnrollmentOut:
        return EnrollmentOut.of(await get_enrollment(actor, enrollment_id))
