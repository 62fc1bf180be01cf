"""Sandbox pages: pick a course, Buy, pay on the simulator's checkout page, come back
to a status page that updates live (SSE) until the course shows as unlocked.

Each course card shows where the student stands with it: a course they own opens
("Owned — open course"), a checkout in progress is resumed ("Return to payment"), a
payment being checked says so, and only otherwise is there a Buy button. Buy never opens
a second purchase of a course: when the student already has an enrollment for it (the
use-case refuses with `already_enrolled`, naming it) that enrollment is paid, and
starting checkout again returns the checkout already in progress, so a double click on
Buy gives one paylink.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from html import escape
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Redirect

from application.actor import Actor, Role
from application.errors import AlreadyEnrolled, StorageUnavailable
from application.ports import UnitOfWork
from application.student_messages import student_message
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.start_payment import StartPaymentCommand
from domain.classification import ClassifiedFailure, classify
from domain.enrollment import Enrollment, EnrollmentStatus
from domain.payment import CAPTURED, Payment
from entrypoints.container import Container
from entrypoints.http.sandbox.admin import admin_router
from entrypoints.http.sandbox.demo import COURSES, SERVICE, STUDENTS, Course, SandboxDemo
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

COOKIE = "sandbox_student"
COURSE_WORDS = {"active": "Course unlocked", "pending_payment": "Course not unlocked yet",
                "revoked": "Access to this course was removed"}


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a student stands with one course: `buy`, `owned`, `checkout` (a checkout in
    progress) or `review` (a payment of it is held for review). For `buy`, `payment` is
    the last attempt that did not go through, if any."""

    state: str
    enrollment: Enrollment | None = None
    payment: Payment | None = None


def _student(request: Request[Any, Any, Any]) -> str:
    chosen = request.cookies.get(COOKIE, STUDENTS[0][0])
    return chosen if chosen in dict(STUDENTS) else STUDENTS[0][0]


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(body, media_type=MediaType.HTML, status_code=status)


async def _standing(container: Container, sub: str, course_id: str) -> Standing:
    now = container.clock().now()

    async def read(uow: UnitOfWork) -> Standing:
        enrollment = await uow.enrollments.holding(sub, course_id)
        if enrollment is None:
            return Standing("buy")
        if enrollment.status is EnrollmentStatus.ACTIVE:
            return Standing("owned", enrollment)
        payments = list(reversed(await uow.payments.for_enrollment(enrollment.id)))
        held = next((p for p in payments if p.is_held), None)
        if held is not None:
            return Standing("review", enrollment, held)
        open_ = next((p for p in payments if p.is_open
                      and (p.expires_at is None or p.expires_at > now)), None)
        if open_ is not None:
            return Standing("checkout", enrollment, open_)
        return Standing("buy", enrollment, payments[0] if payments else None)

    return await container.tx().run(read)


def _checkout_link(payment: Payment) -> str:
    """The gateway's checkout page if we have it, else our own status page."""
    url = payment.checkout_url or ""
    return url if url.startswith(("https://", "http://")) else f"/sandbox/payments/{payment.id}"


def _card(course: Course, standing: Standing) -> str:
    cid = escape(course.id)
    if standing.state == "owned":
        note = "<p class='ok'>You own this course.</p>"
        action = (f"<a class='button owned' href='/sandbox/courses/{cid}'>"
                  "Owned — open course</a>")
    elif standing.state == "checkout" and standing.payment is not None:
        note = "<p class=wait>A payment for this course is waiting for you.</p>"
        action = (f"<a class='button resume' href='{escape(_checkout_link(standing.payment))}'>"
                  "Return to payment</a>")
    elif standing.state == "review" and standing.payment is not None:
        note = f"<p class=wait>{escape(student_message(standing.payment))}</p>"
        action = (f"<a class='button' href='/sandbox/payments/{escape(standing.payment.id)}'>"
                  "See payment status</a>")
    else:
        note = ("<p>Your last payment did not go through; you can try again.</p>"
                if standing.payment is not None else "")
        action = (f"<form method=post action='/sandbox/buy/{cid}'>"
                  "<button type=submit class=buy>Buy</button></form>")
    return (f"<div class=card data-course='{cid}' data-state='{standing.state}'>"
            f"<h2>{escape(course.title)}</h2><p class=price>{escape(str(course.price))}</p>"
            f"{note}{action}</div>")


def sandbox_router(container: Container, demo: SandboxDemo) -> Router:
    @get("/", media_type=MediaType.HTML)
    async def courses(request: Request[Any, Any, Any]) -> Response[str]:
        sub = _student(request)
        switch = " ".join(f"<a href='/sandbox/as/{s}'>{escape(n)}</a>" for s, n in STUDENTS)
        cards = "".join([_card(c, await _standing(container, sub, c.id)) for c in COURSES])
        body = f"<p>Switch student: {switch}</p>{cards}"
        return _html(page("Courses", body, who=demo.student_name(sub)))

    @get("/as/{sub:str}")
    async def switch_student(sub: FromPath[str]) -> Redirect:
        response = Redirect("/sandbox")
        if sub in dict(STUDENTS):
            response.cookies.append(Cookie(key=COOKIE, value=sub, path="/", samesite="lax"))
        return response

    @get("/courses/{course_id:str}", media_type=MediaType.HTML)
    async def course_page(request: Request[Any, Any, Any],
                          course_id: FromPath[str]) -> Response[Any]:
        course = demo.course(course_id)
        sub = _student(request)
        standing = await _standing(container, sub, course.id) if course else Standing("buy")
        if course is None or standing.state != "owned" or standing.enrollment is None:
            return Redirect("/sandbox", status_code=303)
        paid = standing.enrollment.payment_id or ""
        body = (f"<div class=card data-course='{escape(course.id)}' data-state=owned>"
                f"<h2>{escape(course.title)}</h2><p class='status ok'>Course unlocked</p>"
                "<p>In the real platform the lessons open here. This sandbox stops at the "
                f"unlocked course.</p><p>Paid with payment <a href='/sandbox/payments/"
                f"{escape(paid)}'><code>{escape(paid)}</code></a> "
                f"(<a href='/sandbox/payments/{escape(paid)}/receipt'>receipt</a>).</p>"
                "<a class=button href='/sandbox'>Back to courses</a></div>")
        return _html(page(course.title, body, who=demo.student_name(sub)))

    @post("/buy/{course_id:str}", status_code=303)
    async def buy(request: Request[Any, Any, Any], course_id: FromPath[str]) -> Response[Any]:
        course = demo.course(course_id)
        if course is None:
            return _html(page("Not found", "<p>No such course.</p>"), 404)
        sub = _student(request)
        student = Actor(sub, Role.STUDENT)
        try:
            try:
                enrollment_id = (await container.create_enrollment()(CreateEnrollmentCommand(
                    Actor(SERVICE, Role.SERVICE), sub, course.id, course.price))).id
            except AlreadyEnrolled as existing:  # owned, or bought before: use that one
                enrollment_id = existing.extra["enrollment_id"]
            enrollment = await container.get_enrollment()(student, enrollment_id)
            if enrollment.status is EnrollmentStatus.ACTIVE:
                return Redirect(f"/sandbox/courses/{course.id}", status_code=303)
            payment = await container.start_payment()(StartPaymentCommand(
                student, enrollment.id, "sandbox-" + secrets.token_hex(12)))
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure as failure:
            refused = classify(failure)
            body = (f"<div class='card bad'><p>{escape(refused.user_message)}</p>"
                    f"<a class=button href='/sandbox'>Back to courses</a></div>")
            return _html(page("Could not start the payment", body, who=demo.student_name(sub)),
                         refused.http_status)
        return Redirect(_checkout_link(payment), status_code=303)

    @get("/payments", media_type=MediaType.HTML)
    async def payments(request: Request[Any, Any, Any]) -> Response[str]:
        sub = _student(request)
        student = Actor(sub, Role.STUDENT)
        rows = [(p, await course_of(container, student, p))
                for p in await my_payments(container, sub)]
        return _html(page("My payments", payments_list(demo, rows),
                          who=demo.student_name(sub)))

    @get("/payments/{payment_id:str}/receipt", media_type=MediaType.HTML)
    async def payment_receipt(request: Request[Any, Any, Any],
                              payment_id: FromPath[str]) -> Response[str]:
        sub = _student(request)
        student = Actor(sub, Role.STUDENT)
        try:  # the API's ownership check: another student's payment is "not found"
            payment = await container.get_payment()(student, payment_id)
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure:
            return _html(page("Not found", "<p>No such payment.</p>",
                              who=demo.student_name(sub)), 404)
        if payment.status not in CAPTURED:
            body = (f"<div class=card><p>This payment was not paid, so it has no receipt."
                    f"</p><a class=button href='/sandbox/payments/{escape(payment.id)}'>"
                    "Payment details</a></div>")
            return _html(page("No receipt", body, who=demo.student_name(sub)), 404)
        course_id = await course_of(container, student, payment)
        refunds = await own_refunds(container, payment)
        return _html(page(f"Receipt {payment.id}", receipt(demo, payment, course_id, refunds),
                          who=demo.student_name(sub)))

    @get("/payments/{payment_id:str}", media_type=MediaType.HTML)
    async def status(request: Request[Any, Any, Any],
                     payment_id: FromPath[str]) -> Response[str]:
        sub = _student(request)
        try:
            payment = await container.get_payment()(Actor(sub, Role.STUDENT), payment_id)
            enrollment = await container.get_enrollment()(Actor(sub, Role.STUDENT),
                                                          payment.enrollment_id)
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure:
            return _html(page("Not found", "<p>No such payment.</p>"), 404)
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
        return _html(page("Your payment", body, who=demo.student_name(sub)))

    return Router(path="/sandbox", route_handlers=[courses, switch_student, course_page, buy,
                                                    payments, payment_receipt, status,
                                                    admin_router(container, demo)],
                  include_in_schema=False)
