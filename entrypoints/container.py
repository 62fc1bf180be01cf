"""The composition root: the only place that decides which adapters run.

Everything is chosen from `Settings` alone; tests override providers
(`container.gateway.override(...)`) instead of patching.
"""

from __future__ import annotations

import time

from dependency_injector import containers, providers

from adapters.fake.gateway import FakeGateway
from adapters.ikhokha import IkhokhaGateway
from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.notify.logging_notifier import LoggingNotifier
from adapters.notify.relay_signal import RelaySignal
from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.outbox import OutboxRelay
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.system.clock import RandomIds, SystemClock
from application.idempotency import IdempotentRequests
from application.transaction import Transactions
from application.use_cases.apply_gateway_report import GatewayReportApplier
from application.use_cases.audit_trail import GetAuditTrail
from application.use_cases.enrollments import CreateEnrollment, GetEnrollment
from application.use_cases.handle_callback import HandleCallback
from application.use_cases.payment_queries import GetPayment, ListPayments
from application.use_cases.retry_callbacks import RetryCallbacks
from application.use_cases.start_payment import CheckoutUrls, StartPayment
from application.use_cases.verify_payment import VerifyPayment
from entrypoints.payment_log import PaymentEventLog
from entrypoints.settings import Settings
from entrypoints.unverified_callbacks import callback_gateway as choose_callback_gateway


def storage_kind(settings: Settings) -> str:
    """`memory://` keeps everything in the process (tests, demos); any other URL is SQL."""
    return "memory" if settings.database_url.startswith("memory:") else "sql"


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(RandomIds)
    notifier = providers.Singleton(LoggingNotifier)
    relay_signal = providers.Singleton(RelaySignal)
    monotonic = providers.Object(time.monotonic)  # rate limits' clock; tests override it

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
    # Memory publishes right after commit; SQL publishes from the outbox (at least once).
    publisher = providers.Selector(storage, memory=notifier, sql=relay_signal)
    outbox_relay = providers.Singleton(OutboxRelay, engine, notifier, clock)

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
            clock=clock),
    )

    checkout_urls = providers.Singleton(
        CheckoutUrls, public_url=providers.Callable(lambda s: s.public_url, settings))

    payment_log = providers.Singleton(PaymentEventLog, publisher,
                                      enabled=settings.provided.enable_payment_logging)
    tx = providers.Singleton(Transactions, uow_factory, payment_log)
    applier = providers.Singleton(GatewayReportApplier, clock)
    idempotent_requests = providers.Singleton(IdempotentRequests, idempotency_store, clock)

    create_enrollment = providers.Singleton(CreateEnrollment, tx, clock, ids)
    get_enrollment = providers.Singleton(GetEnrollment, tx)
    start_payment = providers.Singleton(
        StartPayment, tx, gateway, clock, ids, checkout_urls,
        max_open_checkouts=settings.provided.max_open_checkouts)
    verify_payment = providers.Singleton(VerifyPayment, tx, gateway, applier)
    callback_gateway = providers.Callable(choose_callback_gateway, gateway, settings)
    handle_callback = providers.Singleton(HandleCallback, tx, callback_gateway, verify_payment,
                                          clock, ids, checkout_urls)
    retry_callbacks = providers.Singleton(RetryCallbacks, tx, handle_callback, clock)
    get_payment = providers.Singleton(GetPayment, tx)
    list_payments = providers.Singleton(ListPayments, tx)
    get_audit_trail = providers.Singleton(GetAuditTrail, tx)


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
