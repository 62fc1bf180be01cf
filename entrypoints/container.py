"""The composition root: the only place that decides which adapters run.

Everything is chosen from `Settings` alone; tests override providers
(`container.gateway.override(...)`) instead of patching. Built in three parts, each
extending the last: container_infrastructure.py (storage, events, monitoring, tokens,
limits), container_gateway.py (the gateway, the transaction, risk) and, here, the
use-cases.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from dependency_injector import providers

from adapters.memory.analytics import MemoryAnalyticsQueries
from adapters.memory.daily_reconciliations import MemoryDailyReconciliationLeases
from adapters.memory.reconciliation_reports import MemoryReconciliationReports
from adapters.memory.repositories import MemoryCallbackIntake
from adapters.sql.analytics import SqlAnalyticsQueries
from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.daily_reconciliations import SqlDailyReconciliationLeases
from adapters.sql.driver_pool import driver_pool_for
from adapters.sql.inbox_wake import InboxWake
from adapters.sql.job_lock import AlwaysHeld, SqlJobLock
from adapters.sql.reconciliation_reports import SqlReconciliationReports
from application.use_cases.admin_payment_detail import GetPaymentDetail
from application.use_cases.analytics import GetAnalytics
from application.use_cases.audit_trail import GetAuditTrail
from application.use_cases.check_pending import CheckPendingPayments
from application.use_cases.daily_reconciliation import DailyReconciliation
from application.use_cases.enrollments import CreateEnrollment, GetEnrollment
from application.use_cases.gateway_history import GatewayHistory
from application.use_cases.gateway_mode import GatewayMode
from application.use_cases.go_live_test import GoLiveTest
from application.use_cases.handle_callback import HandleCallback
from application.use_cases.payment_queries import GetPayment, ListPayments
from application.use_cases.reconcile import Reconcile
from application.use_cases.reconciliation_queries import ReadReconciliations
from application.use_cases.recover_refunds import RecoverInterruptedRefunds
from application.use_cases.refund_queries import CancelRefund, ConfirmRefund, GetRefund
from application.use_cases.request_refund import RequestRefund
from application.use_cases.resolve_review import ResolveReview
from application.use_cases.retry_callbacks import RetryCallbacks
from application.use_cases.revert_enrollment import RevertEnrollment
from application.use_cases.review_queue import PaymentsNeedingReview
from application.use_cases.risk_admin import (
    LiftRiskBlock,
    ListRiskRules,
    ReportProgress,
    RiskQueue,
    UpdateRiskRule,
)
from application.use_cases.start_payment import StartPayment
from application.use_cases.stats import GetStats
from application.use_cases.verify_on_return import VerifyOnReturn
from application.use_cases.verify_payment import VerifyPayment
from application.use_cases.webhook_deliveries import PaymentDeliveries, ResendDelivery
from entrypoints.callback_dispatch import CallbackDispatcher
from entrypoints.container_gateway import GatewayAndTransactions
from entrypoints.container_infrastructure import LEASE_MARGIN, worker_identity
from entrypoints.http.callback_endpoint import CallbackEndpoint
from entrypoints.readiness import Readiness
from entrypoints.scrape import Scrape
from entrypoints.settings import Settings
from entrypoints.unverified_callbacks import callback_gateway as choose_callback_gateway


class Container(GatewayAndTransactions):
    # What this part builds on (the same providers: one copy per container).
    parts = GatewayAndTransactions
    (
        apply_report, checkout_urls, clock, delivery_store, engine, gateway,
        gateway_mode_switch, ids, measured_gateway, memory_store, metrics,
        monitoring_queries, probe, rate_limits, redactor, risk_guard, settings, storage, tx,
        webhook_sender,
    ) = (
        parts.apply_report, parts.checkout_urls, parts.clock, parts.delivery_store,
        parts.engine, parts.gateway, parts.gateway_mode_switch, parts.ids,
        parts.measured_gateway, parts.memory_store, parts.metrics, parts.monitoring_queries,
        parts.probe, parts.rate_limits, parts.redactor, parts.risk_guard, parts.settings,
        parts.storage, parts.tx, parts.webhook_sender,
    )
    del parts

    create_enrollment = providers.Singleton(CreateEnrollment, tx, clock, ids)
    get_enrollment = providers.Singleton(GetEnrollment, tx)
    start_payment = providers.Singleton(StartPayment, tx, measured_gateway, clock, ids,
                                        checkout_urls,
                                        max_open_checkouts=settings.provided.max_open_checkouts,
                                        risk=risk_guard)
    verify_payment = providers.Singleton(VerifyPayment, tx, measured_gateway, apply_report)
    go_live_test = providers.Singleton(GoLiveTest, tx, create_enrollment, start_payment,
                                       verify_payment, clock, ids)
    callback_gateway = providers.Callable(choose_callback_gateway, measured_gateway, settings)
    # The acknowledgement's INSERT has a few asyncpg connections of its own on PostgreSQL.
    driver_pool = providers.Singleton(driver_pool_for, settings.provided.database_url)
    callback_intake = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryCallbackIntake, memory_store),
        sql=providers.Singleton(SqlCallbackIntake, engine, driver_pool),
    )
    processing_lease = providers.Callable(
        lambda s: timedelta(milliseconds=s.ikhokha_deadline_ms) + LEASE_MARGIN, settings)
    handle_callback = providers.Singleton(HandleCallback, tx, callback_gateway, verify_payment,
                                          apply_report, clock, ids, checkout_urls, callback_intake,
                                          probe, processing_lease, redactor=redactor)
    callback_dispatcher = providers.Singleton(
        CallbackDispatcher, handle_callback, metrics,
        workers=settings.provided.callback_concurrency)
    # The callback route's one dependency (entrypoints/http/callback_endpoint.py).
    callback_endpoint = providers.Singleton(CallbackEndpoint, handle_callback,
                                            callback_dispatcher, metrics, rate_limits)
    inbox_wake = providers.Singleton(InboxWake, settings.provided.database_url)
    job_lock = providers.Selector(storage, memory=providers.Singleton(AlwaysHeld),
                                  sql=providers.Singleton(SqlJobLock, engine))
    verify_on_return = providers.Singleton(VerifyOnReturn, tx, verify_payment, clock)
    resolve_review = providers.Singleton(ResolveReview, tx, verify_payment, apply_report, clock)
    retry_callbacks = providers.Singleton(RetryCallbacks, tx, handle_callback, clock)
    check_pending = providers.Singleton(CheckPendingPayments, tx, measured_gateway, verify_payment,
                                        apply_report, clock)
    get_payment = providers.Singleton(GetPayment, tx)
    list_payments = providers.Singleton(ListPayments, tx)
    get_audit_trail = providers.Singleton(GetAuditTrail, tx)
    get_payment_detail = providers.Singleton(GetPaymentDetail, tx)
    payment_deliveries = providers.Singleton(PaymentDeliveries, delivery_store, tx)
    resend_delivery = providers.Singleton(ResendDelivery, delivery_store, webhook_sender, tx,
                                          clock)
    get_stats = providers.Singleton(GetStats, monitoring_queries, clock)
    # Analytics (funnel, time to pay, reasons, refunds, revenue) from our own records.
    analytics_queries = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryAnalyticsQueries, memory_store),
        sql=providers.Singleton(SqlAnalyticsQueries, engine),
    )
    get_analytics = providers.Singleton(GetAnalytics, analytics_queries)
    payments_needing_review = providers.Singleton(PaymentsNeedingReview, monitoring_queries)
    readiness = providers.Singleton(Readiness, settings, gateway)
    # Money back and books that balance: refunds, rollback, history, reconciliation.
    reconciliation_reports = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryReconciliationReports),
        sql=providers.Singleton(SqlReconciliationReports, engine),
    )
    request_refund = providers.Singleton(RequestRefund, tx, measured_gateway, clock, ids,
                                        probe, risk=risk_guard)
    list_risk_rules = providers.Singleton(ListRiskRules, tx, risk_guard)
    update_risk_rule = providers.Singleton(UpdateRiskRule, tx, risk_guard, clock)
    risk_queue = providers.Singleton(RiskQueue, tx, risk_guard)
    lift_risk_block = providers.Singleton(LiftRiskBlock, tx, risk_guard, clock)
    report_progress = providers.Singleton(ReportProgress, tx, risk_guard, clock)
    confirm_refund = providers.Singleton(ConfirmRefund, tx, clock)
    cancel_refund = providers.Singleton(CancelRefund, tx, clock)
    recover_refunds = providers.Singleton(RecoverInterruptedRefunds, tx, clock)
    get_refund = providers.Singleton(GetRefund, tx)
    revert_enrollment = providers.Singleton(RevertEnrollment, tx, clock)
    gateway_mode = providers.Singleton(
        GatewayMode, gateway_mode_switch, tx, clock,
        production=providers.Callable(lambda s: s.is_production, settings))
    gateway_history = providers.Singleton(GatewayHistory, measured_gateway)
    reconcile = providers.Singleton(Reconcile, tx, measured_gateway, apply_report,
                                    reconciliation_reports, clock, ids)
    list_reconciliations = providers.Singleton(ReadReconciliations, reconciliation_reports)
    # The daily reconciliation in the worker: one lease per platform day, then Reconcile
    # with apply; every instance's scrape exports what the latest day found.
    daily_reconciliation_leases = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryDailyReconciliationLeases),
        sql=providers.Singleton(SqlDailyReconciliationLeases, engine),
    )
    daily_reconciliation = providers.Singleton(
        DailyReconciliation, reconcile, daily_reconciliation_leases, reconciliation_reports,
        clock, providers.Callable(lambda s: ZoneInfo(s.timezone), settings),
        providers.Callable(worker_identity))
    scrape = providers.Singleton(Scrape, metrics, monitoring_queries, gateway, clock,
                                 daily=daily_reconciliation)


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
