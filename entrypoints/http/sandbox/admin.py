"""Sandbox admin view: every payment, newest first, with a refund button.

The sandbox runs the real iKhokha adapter, whose API cannot refund: a refund becomes
`manual_action_required`, and the second button records that the refund was done in
the (imaginary) iKhokha dashboard, which is when it starts to count.
"""

from __future__ import annotations

import secrets
from html import escape

from litestar import MediaType, Response, Router, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from application.actor import Actor, Role
from application.errors import StorageUnavailable
from application.use_cases.payment_queries import ListPaymentsQuery
from application.use_cases.request_refund import RequestRefundCommand
from domain.classification import ClassifiedFailure, classify
from domain.payment import CAPTURED, Payment
from domain.refund import Refund, RefundStatus
from entrypoints.container import Container
from entrypoints.http.sandbox.demo import ADMIN, SandboxDemo
from entrypoints.http.sandbox.html import page

NAME = "Naledi (admin)"


def _actions(payment: Payment, refunds: list[Refund]) -> str:
    forms = [f"<form method=post action='/sandbox/admin/refunds/{r.id}/confirm'>"
             f"<button class=confirm-refund>Confirm {escape(str(r.amount))} refunded in "
             f"iKhokha</button></form>"
             for r in refunds if r.status is RefundStatus.MANUAL_ACTION_REQUIRED]
    if payment.status in CAPTURED and not payment.refundable.is_zero():
        forms.append(f"<form method=post action='/sandbox/admin/payments/{payment.id}/refund'>"
                     f"<button class=refund>Refund {escape(str(payment.refundable))}"
                     f"</button></form>")
    if payment.is_held:  # resolved with a reason on the operator page (admin token)
        forms.append("<a class=resolve href='/admin'>Resolve on the operator page</a>")
    return "".join(forms)


def admin_router(container: Container, demo: SandboxDemo) -> Router:
    admin = Actor(ADMIN, Role.ADMIN)

    @get("/", media_type=MediaType.HTML)
    async def payments(error: str | None = None) -> Response[str]:
        listed = await container.list_payments()(ListPaymentsQuery(actor=admin, limit=100))
        rows = []
        for p in listed.items:
            refunds = await container.tx().run(
                lambda uow, pid=p.id: uow.refunds.for_payment(pid))
            rows.append(
                f"<tr data-payment='{p.id}'><td><code>{escape(p.id)}</code></td>"
                f"<td>{escape(p.student_id)}</td><td>{escape(str(p.amount))}</td>"
                f"<td class=payment-status>{escape(p.status.value)}</td>"
                f"<td>{escape(str(p.refunded))}</td><td>{escape(p.review_reason or '')}</td>"
                f"<td>{_actions(p, refunds)}</td></tr>")
        notice = f"<p class='card bad'>{escape(error)}</p>" if error else ""
        body = (f"<h2>Payments</h2>{notice}<table><tr><th>Payment</th><th>Student</th>"
                "<th>Amount</th><th>Status</th><th>Refunded</th><th>Review</th><th></th></tr>"
                f"{''.join(rows)}</table>")
        return Response(page("Admin", body, who=NAME), media_type=MediaType.HTML)

    @post("/payments/{payment_id:str}/refund", status_code=303)
    async def refund(payment_id: FromPath[str]) -> Redirect:
        try:
            await container.request_refund()(RequestRefundCommand(
                admin, payment_id, "refunded from the sandbox admin view",
                idempotency_key="sandbox-" + secrets.token_hex(12)))
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure as failure:
            return Redirect(f"/sandbox/admin?error={classify(failure).code}", status_code=303)
        return Redirect("/sandbox/admin", status_code=303)

    @post("/refunds/{refund_id:str}/confirm", status_code=303)
    async def confirm(refund_id: FromPath[str]) -> Redirect:
        reference = "SANDBOX-" + secrets.token_hex(4).upper()
        try:
            await container.confirm_refund()(admin, refund_id, reference)
        except StorageUnavailable:  # an outage shows the 503 page, not a refusal
            raise
        except ClassifiedFailure as failure:
            return Redirect(f"/sandbox/admin?error={classify(failure).code}", status_code=303)
        return Redirect("/sandbox/admin", status_code=303)

    return Router(path="/admin", route_handlers=[payments, refund, confirm])
