"""The sandbox's course pages: the course list with each course's card, switching the
demo student, an owned course's page, and Buy.

Buy never opens a second purchase of a course: when the student already has an
enrollment for it (the use-case refuses with `already_enrolled`, naming it) that
enrollment is paid, and starting checkout again returns the checkout already in
progress, so a double click on Buy gives one paylink.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect

from application.actor import Actor, Role
from application.errors import AlreadyEnrolled, StorageUnavailable
from application.use_cases.enrollments import CreateEnrollmentCommand
from application.use_cases.start_payment import StartPaymentCommand
from domain.classification import ClassifiedFailure, classify
from domain.enrollment import EnrollmentStatus
from entrypoints.container import Container
from entrypoints.http.sandbox.course_cards import (
    Standing,
    checkout_link,
    course_card,
    standing_of,
)
from entrypoints.http.sandbox.demo import COURSES, SERVICE, STUDENTS, SandboxDemo
from entrypoints.http.sandbox.html import page
from entrypoints.http.sandbox.visitor import COOKIE, html_response, student_of


def course_routes(container: Container, demo: SandboxDemo) -> list[HTTPRouteHandler]:
    @get("/", media_type=MediaType.HTML)
    async def courses(request: Request[Any, Any, Any]) -> Response[str]:
        sub = student_of(request)
        switch = " ".join(f"<a href='/sandbox/as/{s}'>{escape(n)}</a>" for s, n in STUDENTS)
        cards = "".join([course_card(c, await standing_of(container, sub, c.id))
                         for c in COURSES])
        body = f"<p>Switch student: {switch}</p>{cards}"
        return html_response(page("Courses", body, who=demo.student_name(sub)))

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
        sub = student_of(request)
        standing = await standing_of(container, sub, course.id) if course else Standing("buy")
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
        return html_response(page(course.title, body, who=demo.student_name(sub)))

    @post("/buy/{course_id:str}", status_code=303)
    async def buy(request: Request[Any, Any, Any], course_id: FromPath[str]) -> Response[Any]:
        course = demo.course(course_id)
        if course is None:
            return html_response(page("Not found", "<p>No such course.</p>"), 404)
        sub = student_of(request)
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
            return html_response(page("Could not start the payment", body,
                                      who=demo.student_name(sub)), refused.http_status)
        return Redirect(checkout_link(payment), status_code=303)

    return [courses, switch_student, course_page, buy]
