"""Where a sandbox student stands with each course, and the course card that shows it:
a course they own opens ("Owned — open course"), a checkout in progress is resumed
("Return to payment"), a payment held for review says so, and only otherwise is there a
Buy button (with a note when the last attempt did not go through).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from application.ports import UnitOfWork
from application.student_messages import student_message
from domain.enrollment import Enrollment, EnrollmentStatus
from domain.payment import Payment
from entrypoints.container import Container
from entrypoints.http.sandbox.demo import Course


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a student stands with one course: `buy`, `owned`, `checkout` (a checkout in
    progress) or `review` (a payment of it is held for review). For `buy`, `payment` is
    the last attempt that did not go through, if any."""

    state: str
    enrollment: Enrollment | None = None
    payment: Payment | None = None


async def standing_of(container: Container, sub: str, course_id: str) -> Standing:
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


def checkout_link(payment: Payment) -> str:
    """The gateway's checkout page if we have it, else our own status page."""
    url = payment.checkout_url or ""
    return url if url.startswith(("https://", "http://")) else f"/sandbox/payments/{payment.id}"


def course_card(course: Course, standing: Standing) -> str:
    cid = escape(course.id)
    if standing.state == "owned":
        note = "<p class='ok'>You own this course.</p>"
        action = (f"<a class='button owned' href='/sandbox/courses/{cid}'>"
                  "Owned — open course</a>")
    elif standing.state == "checkout" and standing.payment is not None:
        note = "<p class=wait>A payment for this course is waiting for you.</p>"
        action = (f"<a class='button resume' href='{escape(checkout_link(standing.payment))}'>"
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
