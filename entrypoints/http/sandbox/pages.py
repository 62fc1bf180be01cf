"""Sandbox pages: pick a course, Buy, pay on the simulator's checkout page, come back
to a status page that updates live (SSE) until the course shows as unlocked."""

from __future__ import annotations

import json
import secrets
from html import escape
from typing import Any

from litestar import MediaType, Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Redirect

from application.actor import Actor, Role
from application.student_messages import student_message
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.start_payment import StartPaymentCommand
from domain.classification import ClassifiedFailure, classify
from entrypoints.container import Container
from entrypoints.http.sandbox.admin import admin_router
from entrypoints.http.sandbox.demo import COURSES, SERVICE, STUDENTS, SandboxDemo
from entrypoints.http.sandbox.html import page
from entrypoints.http.sandbox.status_script import STATUS_SCRIPT

COOKIE = "sandbox_student"
COURSE_WORDS = {"active": "Course unlocked", "pending_payment": "Course not unlocked yet",
                "revoked": "Access to this course was removed"}


def _student(request: Request[Any, Any, Any]) -> str:
    chosen = request.cookies.get(COOKIE, STUDENTS[0][0])
    return chosen if chosen in dict(STUDENTS) else STUDENTS[0][0]


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(body, media_type=MediaType.HTML, status_code=status)


def sandbox_router(container: Container, demo: SandboxDemo) -> Router:
    @get("/", media_type=MediaType.HTML)
    async def courses(request: Request[Any, Any, Any]) -> Response[str]:
        sub = _student(request)
        switch = " ".join(f"<a href='/sandbox/as/{s}'>{escape(n)}</a>" for s, n in STUDENTS)
        cards = "".join(
            f"<div class=card data-course='{c.id}'><h2>{escape(c.title)}</h2>"
            f"<p>{escape(str(c.price))}</p><form method=post action='/sandbox/buy/{c.id}'>"
            f"<button type=submit>Buy</button></form></div>" for c in COURSES)
        body = f"<p>Switch student: {switch}</p>{cards}"
        return _html(page("Courses", body, who=demo.student_name(sub)))

    @get("/as/{sub:str}")
    async def switch_student(sub: FromPath[str]) -> Redirect:
        response = Redirect("/sandbox")
        if sub in dict(STUDENTS):
            response.cookies.append(Cookie(key=COOKIE, value=sub, path="/", samesite="lax"))
        return response

    @post("/buy/{course_id:str}", status_code=303)
    async def buy(request: Request[Any, Any, Any], course_id: FromPath[str]) -> Response[Any]:
        course = demo.course(course_id)
        if course is None:
            return _html(page("Not found", "<p>No such course.</p>"), 404)
        sub = _student(request)
        try:
            enrollment = await container.create_enrollment()(CreateEnrollmentCommand(
                Actor(SERVICE, Role.SERVICE), sub, course.id, course.price))
            payment = await container.start_payment()(StartPaymentCommand(
                Actor(sub, Role.STUDENT), enrollment.id, "sandbox-" + secrets.token_hex(12)))
        except ClassifiedFailure as failure:
            body = (f"<div class='card bad'><p>{escape(classify(failure).user_message)}</p>"
                    f"<a class=button href='/sandbox'>Back to courses</a></div>")
            return _html(page("Could not start the payment", body), 503)
        return Redirect(payment.checkout_url or f"/sandbox/payments/{payment.id}",
                        status_code=303)

    @get("/payments/{payment_id:str}", media_type=MediaType.HTML)
    async def status(request: Request[Any, Any, Any],
                     payment_id: FromPath[str]) -> Response[str]:
        sub = _student(request)
        try:
            payment = await container.get_payment()(Actor(sub, Role.STUDENT), payment_id)
            enrollment = await container.get_enrollment()(Actor(sub, Role.STUDENT),
                                                          payment.enrollment_id)
        except ClassifiedFailure:
            return _html(page("Not found", "<p>No such payment.</p>"), 404)
        config = json.dumps({"payment": payment.id, "enrollment": enrollment.id,
                             "token": demo.tokens[sub]})
        course = demo.course(enrollment.course_id)
        title = course.title if course else enrollment.course_id
        body = (f"<div class=card><h2>{escape(title)}</h2>"
                f"<p>Payment <code>{escape(payment.id)}</code></p>"
                f"<p class=status id=payment-status data-status='{payment.status.value}'>"
                f"{escape(payment.status.value)}</p>"
                f"<p id=enrollment-status data-status='{enrollment.status.value}'>"
                f"{escape(COURSE_WORDS[enrollment.status.value])}</p>"
                f"<p id=message>{escape(student_message(payment))}</p>"
                f"<a class=button href='/sandbox'>Back to courses</a></div>"
                f"<script>const SANDBOX={config};{STATUS_SCRIPT}</script>")
        return _html(page("Your payment", body, who=demo.student_name(sub)))

    return Router(path="/sandbox", route_handlers=[courses, switch_student, buy, status,
                                                    admin_router(container, demo)],
                  include_in_schema=False)
