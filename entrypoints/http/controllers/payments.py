"""Payments: start checkout, read, list (keyset), and verify with the gateway now."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from application.actor import Actor
from application.idempotency import IdempotentRequests
from application.use_cases.audit_trail import GetAuditTrail
from application.use_cases.payment_queries import GetPayment, ListPayments, ListPaymentsQuery
from application.use_cases.resolve_review import (
    ResolveReview,
    ResolveReviewCommand,
    ReviewAction,
)
from application.use_cases.start_payment import StartPayment, StartPaymentCommand
from application.use_cases.verify_payment import VerifyPayment
from entrypoints.http.csv_export import CsvStream, csv_export, wants_csv
from entrypoints.http.idempotent import IdempotencyKey, run_idempotent
from entrypoints.http.schemas import (
    AuditTrail,
    CreatePaymentBody,
    PaymentOut,
    PaymentPage,
    ReviewBody,
    decode_cursor,
    encode_cursor,
)

Query = QueryParameter


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The caller's IP as the trusted-proxy resolution saw it (https_only.py), for the
    per-address risk rules."""
    resolved = request.scope.get("state", {}).get("client_ip")
    if resolved:
        return str(resolved)
    return request.client.host if request.client else None


class PaymentController(Controller):
    path = "/api/v1/payments"
    tags = ["payments"]

    @post("/", operation_id="startPayment",
          status_code=201, summary="Start checkout for an enrollment",
          description="Idempotency-Key required. The amount comes from the enrollment, never "
                      "from the client. 201 with a new payment; 200 with the checkout already "
                      "in progress for this enrollment.")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[CreatePaymentBody],
                     actor: NamedDependency[Actor],
                     start_payment: NamedDependency[StartPayment],
                     idempotent_requests: NamedDependency[IdempotentRequests],
                     idempotency_key: IdempotencyKey = None) -> Response[PaymentOut]:
        async def produce() -> tuple[int, PaymentOut]:
            key = idempotency_key or ""
            payment = await start_payment(StartPaymentCommand(
                actor, data.enrollment_id, key, client_address(request)))
            return (201 if payment.idempotency_key == key else 200), PaymentOut.of(payment)

        return await run_idempotent(idempotent_requests, actor, "POST /api/v1/payments",
                                    idempotency_key, data, produce)

    @get("/{payment_id:str}", operation_id="getPayment", summary="Get a payment (owner or admin)")
    async def read(self, payment_id: FromPath[str], actor: NamedDependency[Actor],
                   get_payment: NamedDependency[GetPayment]) -> PaymentOut:
        return PaymentOut.of(await get_payment(actor, payment_id))

    @post("/{payment_id:str}/verify", operation_id="verifyPayment", status_code=200,
          summary="Ask the gateway now and apply its answer (same rules as a callback)")
    async def verify(self, payment_id: FromPath[str], actor: NamedDependency[Actor],
                     verify_payment: NamedDependency[VerifyPayment]) -> PaymentOut:
        return PaymentOut.of(await verify_payment(actor, payment_id))

    @post("/{payment_id:str}/review", operation_id="resolveReview", status_code=200,
          summary="Resolve a payment held for review (admin; reason required, audited)",
          description="`reverify` asks the gateway again and applies its answer if it now "
                      "agrees with our record; `accept` takes the captured money as the "
                      "course's payment and unlocks the course; `reject` closes it unpaid "
                      "(refused with 409 while captured money is not refunded). A payment "
                      "that is not held answers 409.")
    async def review(self, payment_id: FromPath[str], data: JSONBody[ReviewBody],
                     actor: NamedDependency[Actor],
                     resolve_review: NamedDependency[ResolveReview]) -> PaymentOut:
        return PaymentOut.of(await resolve_review(ResolveReviewCommand(
            actor, payment_id, ReviewAction(data.action), data.reason)))

    @get("/{payment_id:str}/audit", operation_id="getPaymentAudit",
         summary="Audit trail of a payment and its enrollment (admin)")
    async def audit(self, payment_id: FromPath[str], actor: NamedDependency[Actor],
                    get_audit_trail: NamedDependency[GetAuditTrail]) -> AuditTrail:
        return AuditTrail.of(await get_audit_trail(actor, payment_id))

    @get("/", operation_id="listPayments",
         summary="Transaction history, newest first (keyset pagination)",
         description="With `Accept: text/csv`: every page as one streamed CSV file "
                     "(amounts in integer minor units); `limit` and `cursor` are ignored.")
    async def history(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor],
        list_payments: NamedDependency[ListPayments],
        status: Annotated[str | None, Query()] = None,
        student_id: Annotated[str | None, Query(description="admin only")] = None,
        created_from: Annotated[datetime | None, Query()] = None,
        created_to: Annotated[datetime | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query()] = None,
    ) -> PaymentPage | CsvStream:  # CsvStream with Accept: text/csv (see openapi_doc.py)
        query = ListPaymentsQuery(
            actor=actor, status=status, student_id=student_id, created_from=created_from,
            created_to=created_to, limit=limit,
            after=decode_cursor(cursor) if cursor and not wants_csv(request.headers.get(
                "accept")) else None)
        if wants_csv(request.headers.get("accept")):
            return CsvStream(await csv_export(list_payments, query),
                             headers={"Content-Disposition": 'attachment; filename="payments.csv"'})
        page = await list_payments(query)
        last = page.items[-1] if page.items and page.has_more else None
        return PaymentPage(items=[PaymentOut.of(p) for p in page.items],
                           next_cursor=encode_cursor(last.created_at, last.id) if last else None)
