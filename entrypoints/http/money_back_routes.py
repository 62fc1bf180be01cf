"""Route handlers for refunds, rollback, gateway history and reconciliation, in one list
so app.py registers them with one additive line."""

from __future__ import annotations

from entrypoints.http.controllers.operations import (
    change_gateway_mode,
    read_gateway_mode,
    revert_enrollment_handler,
)
from entrypoints.http.controllers.reconciliations import (
    ReconciliationController,
    gateway_transactions,
)
from entrypoints.http.controllers.refunds import PaymentRefundController, RefundController

MONEY_BACK_ROUTES = [PaymentRefundController, RefundController, ReconciliationController,
                     gateway_transactions, revert_enrollment_handler, read_gateway_mode,
                     change_gateway_mode]
