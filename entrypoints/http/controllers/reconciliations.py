"""Books that balance: the gateway's history as it reports it, and reconciliations."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from application.actor import Actor
from application.use_cases.gateway_history import GatewayHistory
from application.use_cases.reconcile import Reconcile, ReconcileCommand
from application.use_cases.reconciliation_queries import ReadReconciliations
from entrypoints.http.money_back_schemas import (
    GatewayTransactionOut,
    GatewayTransactions,
    ReconcileBody,
    ReconciliationOut,
    ReconciliationPage,
)
from entrypoints.http.schemas import decode_cursor, encode_cursor

Query = QueryParameter


@get("/api/v1/gateway/transactions", operation_id="listGatewayTransactions",
     tags=["reconciliation"],
     summary="Transactions as iKhokha reports them, for an inclusive date range (admin)")
async def gateway_transactions(
        actor: NamedDependency[Actor], gateway_history: NamedDependency[GatewayHistory],
        start: Annotated[date, Query(name="from", description="YYYY-MM-DD, inclusive")],
        end: Annotated[date, Query(name="to", description="YYYY-MM-DD, inclusive")],
) -> GatewayTransactions:
    reports = await gateway_history(actor, start, end)
    return GatewayTransactions(items=[GatewayTransactionOut.of(r) for r in reports])


class ReconciliationController(Controller):
    path = "/api/v1/reconciliations"
    tags = ["reconciliation"]

    @post("/", operation_id="createReconciliation",
          status_code=201, summary="Compare our records with iKhokha's for a period",
          description="Admin. `apply: true` repairs payments the gateway settled (through the "
                      "same checks as a callback); mismatching amounts are flagged for review.")
    async def create(self, data: JSONBody[ReconcileBody], actor: NamedDependency[Actor],
                     reconcile: NamedDependency[Reconcile]) -> ReconciliationOut:
        return ReconciliationOut.of(await reconcile(ReconcileCommand(
            actor=actor, start=data.start, end=data.end, apply=data.apply)))

    @get("/", operation_id="listReconciliations",
         summary="Stored reconciliation reports, newest first (admin)")
    async def index(self, actor: NamedDependency[Actor],
                    list_reconciliations: NamedDependency[ReadReconciliations],
                    limit: Annotated[int, Query(ge=1, le=100)] = 20,
                    cursor: Annotated[str | None, Query()] = None) -> ReconciliationPage:
        reports, more = await list_reconciliations.newest(
            actor, limit, decode_cursor(cursor) if cursor else None)
        last = reports[-1] if reports and more else None
        return ReconciliationPage(
            items=[ReconciliationOut.of(r) for r in reports],
            next_cursor=encode_cursor(last.created_at, last.id) if last else None)

    @get("/{report_id:str}", operation_id="getReconciliation",
         summary="One reconciliation report (admin)")
    async def read(self, report_id: FromPath[str], actor: NamedDependency[Actor],
                   list_reconciliations: NamedDependency[ReadReconciliations]
                   ) -> ReconciliationOut:
        return ReconciliationOut.of(await list_reconciliations.one(actor, report_id))
