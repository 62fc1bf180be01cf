"""The composition root: the only place that decides which adapters run.

Everything is chosen from `Settings` alone; tests override providers
(`container.gateway.override(...)`) instead of patching.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from dependency_injector import containers, providers
from prometheus_client import CollectorRegistry

from adapters.fake.gateway import FakeGateway
from adapters.ikhokha import IkhokhaGateway
from adapters.memory.analytics import MemoryAnalyticsQueries
from adapters.memory.daily_reconciliations import MemoryDailyReconciliationLeases
from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.monitoring import MemoryGatewayCallLog, MemoryMonitoringQueries
from adapters.memory.reconciliation_reports import MemoryReconciliationReports
from adapters.memory.repositories import MemoryCallbackIntake
from adapters.memory.risk import memory_risk_store
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.memory.webhook_deliveries import MemoryDeliveryStore
from adapters.metrics.counting_notifier import CountingNotifier
from adapters.metrics.measuring_gateway import MeasuringGateway
from adapters.metrics.prometheus import PrometheusMetrics
from adapters.notify.channels import ChannelsNotifier, build_channels
from adapters.notify.fanout import FanoutNotifier
from adapters.notify.logging_notifier import LoggingNotifier
from adapters.notify.relay_signal import RelaySignal
from adapters.platform_webhooks.sender import HttpWebhookSender
from adapters.sql.analytics import SqlAnalyticsQueries
from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.daily_reconciliations import SqlDailyReconciliationLeases
from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.inbox_wake import InboxWake
from adapters.sql.job_lock import AlwaysHeld, SqlJobLock
from adapters.sql.monitoring import SqlGatewayCallLog, SqlMonitoringQueries
from adapters.sql.outbox import OutboxRelay
from adapters.sql.reconciliation_reports import SqlReconciliationReports
from adapters.sql.risk import sql_risk_store
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.sql.webhook_deliveries import SqlDeliveryStore
from adapters.system.clock import RandomIds, SystemClock
from adapters.system.crash import CrashingProbe, parse_crash_points
from adapters.system.gateway_mode import RuntimeGatewayMode
from application.idempotency import IdempotentRequests
from application.platform_webhooks import DeliverPlatformWebhooks, EnqueuePlatformWebhooks
from application.probes import NoProbe, Probe
from application.risk import RiskGuard
from application.transaction import Transactions
from application.use_cases.admin_payment_detail import GetPaymentDetail
from application.use_cases.analytics import GetAnalytics
from application.use_cases.apply_gateway_report import ApplyGatewayReport
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
from application.use_cases.start_payment import CheckoutUrls, StartPayment
from application.use_cases.stats import GetStats
from application.use_cases.verify_on_return import VerifyOnReturn
from application.use_cases.verify_payment import VerifyPayment
from application.use_cases.webhook_deliveries import PaymentDeliveries, ResendDelivery
from entrypoints.callback_dispatch import CallbackDispatcher
from entrypoints.http.auth import TokenCodec
from entrypoints.http.rate_limits import RateLimits
from entrypoints.logging_setup import install_redaction
from entrypoints.payment_log import PaymentEventLog
from entrypoints.readiness import Readiness
from entrypoints.rotation_settings import callback_secret_previous
from entrypoints.scrape import Scrape
from entrypoints.settings import Settings
from entrypoints.unverified_callbacks import callback_gateway as choose_callback_gateway

LEASE_MARGIN = timedelta(seconds=5)  # a callback's processing beyond its status call


def unix_now() -> int:
    return int(time.time())


def worker_identity() -> str:
    """Who holds a lease, in logs and rows: host, process, and a nonce per container."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def build_probe(settings: Settings) -> Probe:
    """Crash points exist for reliability tests only and never in production."""
    if settings.test_crash_points and not settings.is_production:
        return CrashingProbe(parse_crash_points(settings.test_crash_points))
    return NoProbe()


def storage_kind(settings: Settings) -> str:
    """`memory://` keeps everything in the process (tests, demos); any other URL is SQL."""
    return "memory" if settings.database_url.startswith("memory:") else "sql"


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(RandomIds)
    relay_signal = providers.Singleton(RelaySignal)
    monotonic = providers.Object(time.monotonic)  # rate limits' clock; tests override it
    probe = providers.Singleton(build_probe, settings)
    # Log lines and stored callbacks are masked by one redactor that knows the configured
    # secrets: the logging setup's (its record factory is process-wide).
    redactor = providers.Singleton(install_redaction, settings)

    storage = providers.Callable(storage_kind, settings)
    memory_store = providers.Singleton(MemoryStore)
    engine = providers.Singleton(create_engine_for, settings.provided.database_url)

    uow_factory = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryUnitOfWorkFactory, store=memory_store),
        sql=providers.Singleton(SqlUnitOfWorkFactory, engine),
    )
    idempotency_store = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryIdempotencyStore, store=memory_store),
        sql=providers.Singleton(SqlIdempotencyStore, engine),
    )
    delivery_store = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryDeliveryStore),
        sql=providers.Singleton(SqlDeliveryStore, engine),
    )

    channels = providers.Singleton(build_channels, settings.provided.redis_url)
    notifier = providers.Singleton(
        FanoutNotifier, providers.Singleton(LoggingNotifier),
        providers.Singleton(ChannelsNotifier, channels),
        providers.Singleton(EnqueuePlatformWebhooks, delivery_store,
                            settings.provided.platform_webhook_urls, clock))
    webhook_sender = providers.Singleton(
        HttpWebhookSender, settings.provided.platform_webhook_secret, unix_now,
        previous=settings.provided.platform_webhook_secret_previous,
        grace_until=settings.provided.secret_grace_until)
    deliver_platform_webhooks = providers.Singleton(DeliverPlatformWebhooks, delivery_store,
                                                    webhook_sender, clock)
    # Memory publishes right after commit; SQL publishes from the outbox (at least once).
    publisher = providers.Selector(storage, memory=notifier, sql=relay_signal)
    outbox_relay = providers.Singleton(OutboxRelay, engine, notifier, clock, probe)

    # Monitoring: a registry per container, so two apps in one process never collide.
    registry = providers.Singleton(CollectorRegistry)
    metrics = providers.Singleton(PrometheusMetrics, registry)
    # Bearer tokens: minted with the current secret; the previous one verifies until the
    # grace period ends, counted in `metrics` (docs/operations.md "Rotating secrets").
    tokens = providers.Singleton(TokenCodec, settings.provided.jwt_secret,
                                 previous=settings.provided.jwt_secret_previous,
                                 grace_until=settings.provided.secret_grace_until,
                                 clock=clock, observer=metrics)
    # Rate limits (entrypoints/http/rate_limits.py): in this process, or in Redis with it.
    rate_limits = providers.Singleton(
        RateLimits, tokens, settings.provided.rate_limit_payments,
        settings.provided.rate_limit_webhook, monotonic,
        verify_per_minute=settings.provided.rate_limit_verify,
        redis_url=settings.provided.redis_url, prefix=settings.provided.rate_limit_prefix)

    # The admin's runtime test/live switch, read by the iKhokha adapter per paylink.
    gateway_mode_switch = providers.Singleton(RuntimeGatewayMode,
                                              settings.provided.ikhokha_test_mode)
    gateway = providers.Selector(
        providers.Callable(lambda s: s.gateway, settings),
        fake=providers.Singleton(
            FakeGateway, clock,
            checkout_base_url=providers.Callable(lambda s: s.public_url + "/fake-checkout",
                                                 settings)),
        ikhokha=providers.Singleton(
            IkhokhaGateway,
            base_url=settings.provided.ikhokha_api_url,
            app_id=settings.provided.ikhokha_app_id,
            app_secret=settings.provided.ikhokha_app_secret,
            webhook_secret=settings.provided.ikhokha_webhook_secret,
            test_mode=settings.provided.ikhokha_test_mode,
            timeout_ms=settings.provided.ikhokha_timeout_ms,
            deadline_ms=settings.provided.ikhokha_deadline_ms,
            retry_attempts=settings.provided.ikhokha_retry_attempts,
            retry_delay_ms=settings.provided.ikhokha_retry_delay_ms,
            clock=clock,
            on_retry=metrics.provided.gateway_retry,
            mode_source=gateway_mode_switch,
            webhook_secret_previous=providers.Callable(callback_secret_previous, settings),
            secret_grace_until=settings.provided.secret_grace_until,
            on_previous_secret=metrics),
    )

    checkout_urls = providers.Singleton(
        CheckoutUrls, public_url=providers.Callable(lambda s: s.public_url, settings))

    gateway_call_log = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryGatewayCallLog, memory_store),
        sql=providers.Singleton(SqlGatewayCallLog, engine),
    )
    monitoring_queries = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryMonitoringQueries, memory_store),
        sql=providers.Singleton(SqlMonitoringQueries, engine),
    )
    # Every use-case talks to the gateway through the measuring decorator.
    measured_gateway = providers.Singleton(MeasuringGateway, gateway, metrics, gateway_call_log,
                                           clock)
    # Counted where Transactions publishes: once per committed event (see CountingNotifier).
    counted_publisher = providers.Singleton(CountingNotifier, publisher, metrics)
    payment_log = providers.Singleton(PaymentEventLog, counted_publisher,
                                      enabled=settings.provided.enable_payment_logging)

    tx = providers.Singleton(Transactions, uow_factory, payment_log, probe)
    # Risk rules, judged in the transaction of the action they guard (application/risk.py).
    risk_stores = providers.Selector(storage, memory=providers.Object(memory_risk_store),
                                     sql=providers.Object(sql_risk_store))
    risk_guard = providers.Singleton(RiskGuard, risk_stores, clock, metrics)
    apply_report = providers.Singleton(ApplyGatewayReport, tx, clock, risk=risk_guard)
    idempotent_requests = providers.Singleton(IdempotentRequests, idempotency_store, clock)

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
    callback_intake = providers.Selector(
        storage,
        memory=providers.Singleton(MemoryCallbackIntake, memory_store),
        sql=providers.Singleton(SqlCallbackIntake, engine),
    )
    processing_lease = providers.Callable(
        lambda s: timedelta(milliseconds=s.ikhokha_deadline_ms) + LEASE_MARGIN, settings)
    handle_callback = providers.Singleton(HandleCallback, tx, callback_gateway, verify_payment,
                                          apply_report, clock, ids, checkout_urls, callback_intake,
                                          probe, processing_lease, redactor=redactor)
    callback_dispatcher = providers.Singleton(
        CallbackDispatcher, handle_callback, metrics,
        workers=settings.provided.callback_concurrency)
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
