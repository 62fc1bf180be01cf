"""The composition root's second part: the gateway (fake or iK Pay, measured), the
transaction that publishes events, the risk guard and the one writer of gateway answers.
"""

from __future__ import annotations

from dependency_injector import providers

from adapters.fake.gateway import FakeGateway
from adapters.ikhokha import IkhokhaGateway
from adapters.memory.monitoring import MemoryGatewayCallLog, MemoryMonitoringQueries
from adapters.memory.risk import memory_risk_store
from adapters.metrics.counting_notifier import CountingNotifier
from adapters.metrics.measuring_gateway import MeasuringGateway
from adapters.sql.monitoring import SqlGatewayCallLog, SqlMonitoringQueries
from adapters.sql.risk import sql_risk_store
from adapters.system.gateway_mode import RuntimeGatewayMode
from application.checkout_urls import CheckoutUrls
from application.idempotency import IdempotentRequests
from application.risk import RiskGuard
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import ApplyGatewayReport
from entrypoints.container_infrastructure import Infrastructure
from entrypoints.payment_log import PaymentEventLog
from entrypoints.rotation_settings import callback_secret_previous


class GatewayAndTransactions(Infrastructure):
    # What this part builds on (the same providers: one copy per container).
    parts = Infrastructure
    (
        clock, engine, idempotency_store, memory_store, metrics, probe, publisher, settings,
        storage, uow_factory,
    ) = (
        parts.clock, parts.engine, parts.idempotency_store, parts.memory_store,
        parts.metrics, parts.probe, parts.publisher, parts.settings, parts.storage,
        parts.uow_factory,
    )
    del parts

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
