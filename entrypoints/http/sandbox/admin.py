"""Sandbox admin view: every payment, newest first, with its state."""

from __future__ import annotations

from html import escape

from litestar import MediaType, Response, get

from application.actor import Actor, Role
from application.use_cases.payment_queries import ListPaymentsQuery
from entrypoints.container import Container
from entrypoints.http.sandbox.demo import ADMIN, SandboxDemo
from entrypoints.http.sandbox.html import page


def admin_page(container: Container, demo: SandboxDemo):  # type: ignore[no-untyped-def]
    @get("/admin", media_type=MediaType.HTML)
    async def admin() -> Response[str]:
        listed = await container.list_payments()(ListPaymentsQuery(
            actor=Actor(ADMIN, Role.ADMIN), limit=100))
        rows = "".join(
            f"<tr data-payment='{p.id}'><td><code>{escape(p.id)}</code></td>"
            f"<td>{escape(p.student_id)}</td><td>{escape(str(p.amount))}</td>"
            f"<td class=payment-status>{escape(p.status.value)}</td>"
            f"<td>{escape(str(p.refunded))}</td><td>{escape(p.review_reason or '')}</td></tr>"
            for p in listed.items)
        body = ("<h2>Payments</h2><table><tr><th>Payment</th><th>Student</th><th>Amount</th>"
                f"<th>Status</th><th>Refunded</th><th>Review</th></tr>{rows}</table>")
        return Response(page("Admin", body, who="Naledi (admin)"), media_type=MediaType.HTML)

    return admin
