"""Ports: what the use cases need from the outside world, as typing.Protocols.

One port per module, each with a docstring that states its contract (what every
implementation guarantees: atomicity, ordering, idempotency, what it raises); the
records a port stores or answers sit in their own small modules beside it. Every
adapter of a port passes the same contract suite (tests/contract/).

Everything is re-exported here, so `from application.ports import UnitOfWork` works.
"""

from __future__ import annotations

from application.ports.analytics_queries import AnalyticsQueries
from application.ports.analytics_records import (
    DEFAULT_REASON,
    OUTCOME_OF,
    PAID_STATUSES,
    AnalyticsFacts,
    AnalyticsRange,
    CourseStatusCount,
    DayRevenue,
    ReasonCount,
    TimeToPay,
    nearest_rank,
    time_to_pay_of,
)
from application.ports.audit_entry import AuditEntry
from application.ports.audit_log import AuditLog
from application.ports.callback_intake import CallbackIntake
from application.ports.clock import Clock
from application.ports.daily_reconciliation_leases import DailyReconciliationLeases
from application.ports.daily_run import DailyRun, DailyRunStatus
from application.ports.delivery import Delivery
from application.ports.delivery_log import DeliveryLog
from application.ports.delivery_store import DeliveryStore
from application.ports.enrollment_repository import EnrollmentRepository
from application.ports.gateway import PaymentGateway
from application.ports.gateway_call_log import GatewayCallLog
from application.ports.gateway_mode_switch import GatewayModeSwitch
from application.ports.gateway_types import (
    CallbackNotice,
    Paylink,
    PaylinkRequest,
    RefundMode,
    RefundResult,
)
from application.ports.idempotency_records import (
    IdempotencyClaim,
    IdempotencyOutcome,
    StoredResponse,
)
from application.ports.idempotency_store import IdempotencyStore
from application.ports.ids import IdGenerator
from application.ports.inbox_item import InboxItem
from application.ports.metrics import Metrics
from application.ports.monitoring_queries import MonitoringQueries
from application.ports.monitoring_records import GatewayCall, PaymentPoint, StatusTotal
from application.ports.notifier import Notifier
from application.ports.paging import Page, PageRequest, PaymentFilter
from application.ports.payment_repository import PaymentRepository
from application.ports.previous_secret_observer import PreviousSecretObserver
from application.ports.reconciliation_reports import ReconciliationReports
from application.ports.refund_repository import RefundRepository
from application.ports.risk_metrics import RiskMetrics
from application.ports.risk_store import RiskStore, RiskStores
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.ports.webhook_inbox import WebhookInbox
from application.ports.webhook_sender import WebhookSender

__all__ = (
    "DEFAULT_REASON",
    "OUTCOME_OF",
    "PAID_STATUSES",
    "AnalyticsFacts",
    "AnalyticsQueries",
    "AnalyticsRange",
    "AuditEntry",
    "AuditLog",
    "CallbackIntake",
    "CallbackNotice",
    "Clock",
    "CourseStatusCount",
    "DailyReconciliationLeases",
    "DailyRun",
    "DailyRunStatus",
    "DayRevenue",
    "Delivery",
    "DeliveryLog",
    "DeliveryStore",
    "EnrollmentRepository",
    "GatewayCall",
    "GatewayCallLog",
    "GatewayModeSwitch",
    "IdGenerator",
    "IdempotencyClaim",
    "IdempotencyOutcome",
    "IdempotencyStore",
    "InboxItem",
    "Metrics",
    "MonitoringQueries",
    "Notifier",
    "Page",
    "PageRequest",
    "Paylink",
    "PaylinkRequest",
    "PaymentFilter",
    "PaymentGateway",
    "PaymentPoint",
    "PaymentRepository",
    "PreviousSecretObserver",
    "ReasonCount",
    "ReconciliationReports",
    "RefundMode",
    "RefundRepository",
    "RefundResult",
    "RiskMetrics",
    "RiskStore",
    "RiskStores",
    "StatusTotal",
    "StoredResponse",
    "TimeToPay",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WebhookInbox",
    "WebhookSender",
    "nearest_rank",
    "time_to_pay_of",
)
