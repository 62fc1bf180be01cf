"""Refunds: request one on a payment (admin), read it, confirm a manual one (admin)."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.idempotency import IdempotentRequests
from application.use_cases.refund_queries import CancelRefund, ConfirmRefund, GetRefund
from application.use_cases.request_refund import RequestRefund, RequestRefundCommand
from domain.classification import ClassifiedFailure
from entrypoints.http.idempotent import IdempotencyKey, run_idempotent
from entrypoints.http.money_back_schemas import (
    CancelRefundBody,
    ConfirmRefundBody,
    CreateRefundBody,
    RefundOut,
)


class PaymentRefundController(Controller):
    path = "/api/v1/payments/{payment_id:str}/refunds"
    tags = ["refunds"]

    @post("/", operation_id="createRefund",
          status_code=201, summary="Refund a payment in full or in part (admin)",
          description="Idempotency-Key required. `amount` in the payment's minor units "
                      "(default: everything still refundable). The amount is reserved at "
                      "once; the refund is `succeeded` when the gateway refunds by API, or "
                      "`manual_action_required` (iKhokha) until confirmed.")
    async def create(self, payment_id: FromPath[str], data: JSONBody[CreateRefundBody],
                     actor: NamedDependency[Actor],
                     request_refund: NamedDependency[RequestRefund],
                     idempotent_requests: NamedDependency[IdempotentRequests],
                     idempotency_key: IdempotencyKey = None) -> Response[RefundOut]:
        command = RequestRefundCommand(
            actor=actor, payment_id=payment_id, reason=data.reason,
            amount_minor=data.amount, idempotency_key=idempotency_key)

        async def produce() -> tuple[int, RefundOut]:
            return 201, RefundOut.of(await request_refund(command))

        try:
            return await run_idempotent(idempotent_requests, actor,
                                        f"POST /api/v1/payments/{payment_id}/refunds",
                                        idempotency_key, data, produce)
        except ClassifiedFailure as busy:
            # The first request with this key still holds it (or was cut off by a crash):
            # answer at once with the refund's state instead of "try again later".
            known = await request_refund.find(command) \
                if busy.code == "idempotency_request_in_progress" else None
            if known is None or known.reason != data.reason.strip():
                raise
            return Response(RefundOut.of(known), status_code=200)


class RefundController(Controller):
    path = "/api/v1/refunds"
    tags = ["refunds"]

    @get("/{refund_id:str}", operation_id="getRefund",
         summary="Get a refund (owner of the payment, or admin)")
    async def read(self, refund_id: FromPath[str], actor: NamedDependency[Actor],
                   get_refund: NamedDependency[GetRefund]) -> RefundOut:
        return RefundOut.of(await get_refund(actor, refund_id))

    @post("/{refund_id:str}/confirm", operation_id="confirmRefund", status_code=200,
          summary="Record a refund made in the iKhokha dashboard (admin); only then it counts")
    async def confirm(self, refund_id: FromPath[str], data: JSONBody[ConfirmRefundBody],
                      actor: NamedDependency[Actor],
                      confirm_refund: NamedDependency[ConfirmRefund]) -> RefundOut:
        return RefundOut.of(await confirm_refund(actor, refund_id, data.gateway_reference))

    @post("/{refund_id:str}/cancel", operation_id="cancelRefund", status_code=200,
          summary="Cancel a manual refund that was never made (admin; reason required)",
          description="Only a `manual_action_required` refund: it becomes `failed` and its "
                      "reserved amount is refundable again. Audited.")
    async def cancel(self, refund_id: FromPath[str], data: JSONBody[CancelRefundBody],
                     actor: NamedDependency[Actor],
                     cancel_refund: NamedDependency[CancelRefund]) -> RefundOut:
        return RefundOut.of(await cancel_refund(actor, refund_id, data.reason))
