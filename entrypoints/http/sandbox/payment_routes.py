"""The sandbox student's payment pages: "My payments", a receipt (only for a paid
payment, only to its owner), and a payment's status page, which updates live (SSE)
until the course shows as unlocked and offers the next step that fits the outcome.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from application.actor import Actor, Role
from application.errors import StorageUnavailable
from application.student_messages import student_message
from domain.classification import ClassifiedFailure
from domain.enrollment import EnrollmentStatus
from domain.payment import CAPTURED
from entrypoints.container import Container
from entrypoints.http.sandbox.demo import SandboxDemo
from entrypoints.http.sandbox.html import page
from entrypoints.http.sandbox.status_script import STATUS_SCRIPT
from entrypoints.http.sandbox.student import (
    course_of,
    my_payments,
    next_step,
    own_refunds,
    payments_list,
    receipt,
    status_key,
)
from entrypoints.http.sandbox.visitor import html_response, student_of

COURSE_WORDS = {"active": "Course unlocked", "pending_payment": "Course not unlocked yet",
                "revoked": "Access to this course was removed"}


def payment_routes(container: Container, demo: SandboxDemo) -> list[HTTPRouteHandler]:
    @get("/payments", media_type=MediaType.HTML)
    async def payments(request: Request[Any, Any, Any]) -> Response[str]:
        sub = student_of(request)
        student = Actor(sub, Role.STUDENT)
        rows = [(p, await course_of(container, student, p))
                for p in await my_payments(container, sub)]
        return html_response(page("My payments", payments_list(demo, rows),
                                  who=demo.student_name(sub)))

    @get("/payments/{payment_id:str}/receipt", media_type=MediaType.HTML)
    async def payment_receipt(request: Request[Any, Any, Any],
                              payment_id: FromPath[str]) -> Response[str]:
        sub = student_of(request)
        student = Actor(sub, Role.STUDENT)
        try:  # the API's ownership check: another student's payment is "not found"
            payment = await container.get_payment()(student, payment_id)
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure:
            return html_response(page("Not found", "<p>No such payment.</p>",
                                      who=demo.student_name(sub)), 404)
        if payment.status not in CAPTURED:
            body = (f"<div class=card><p>This payment was not paid, so it has no receipt."
                    f"</p><a class=button href='/sandbox/payments/{escape(payment.id)}'>"
                    "Payment details</a></div>")
            return html_response(page("No receipt", body, who=demo.student_name(sub)), 404)
        course_id = await course_of(container, student, payment)
        refunds = await own_refunds(container, payment)
        return html_response(page(f"Receipt {payment.id}",
                                  receipt(demo, payment, course_id, refunds),
                                  who=demo.student_name(sub)))

    @get("/payments/{payment_id:str}", media_type=MediaType.HTML)
    async def status(request: Request[Any, Any, Any],
                     payment_id: FromPath[str]) -> Response[str]:
        sub = student_of(request)
        try:
            payment = await container.get_payment()(Actor(sub, Role.STUDENT), payment_id)
            enrollment = await container.get_enrollment()(Actor(sub, Role.STUDENT),
                                                          payment.enrollment_id)
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure:
            return html_response(page("Not found", "<p>No such payment.</p>"), 404)
        refunds = await own_refunds(container, payment)
        shown = (f"{status_key(payment)}/{enrollment.status.value}/"
                 f"{payment.refunded.amount_minor}")
        config = json.dumps({"payment": payment.id, "enrollment": enrollment.id,
                             "token": demo.tokens[sub], "shown": shown}).replace("<", "\\u003c")
        course = demo.course(enrollment.course_id)
        title = course.title if course else enrollment.course_id
        owned = enrollment.status is EnrollmentStatus.ACTIVE
        step = next_step(payment, enrollment.course_id, refunds, owned=owned).replace(
            "<section ", "<section id=next-step ", 1)
        body = (f"<div class=card><h2>{escape(title)}</h2>"
                f"<p>Payment <code>{escape(payment.id)}</code></p>"
                f"<p class=status id=payment-status data-status='{payment.status.value}'>"
                f"{escape(payment.status.value)}</p>"
                f"<p id=enrollment-status data-status='{enrollment.status.value}'>"
                f"{escape(COURSE_WORDS[enrollment.status.value])}</p>"
                f"<p id=message>{escape(student_message(payment))}</p>"
                f"{step}"
                f"<a class='button secondary' href='/sandbox'>Back to courses</a></div>"
                f"<script>const SANDBOX={config};{STATUS_SCRIPT}</script>")
        return html_response(page("Your payment", body, who=demo.student_name(sub)))

    return [payments, payment_receipt, status]
