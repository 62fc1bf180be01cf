"""The composition root's first part: storage, events, monitoring, tokens and limits.

Everything is chosen from `Settings` alone. The container is built in three parts so
each reads on one screen: this one, the gateway and the transaction
(container_gateway.py), and the use-cases (container.py), each extending the last.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from datetime import timedelta

from dependency_injector import containers, providers
from prometheus_client import CollectorRegistry

from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.memory.webhook_deliveries import MemoryDeliveryStore
from adapters.metrics.prometheus import PrometheusMetrics
from adapters.notify.channels import ChannelsNotifier, build_channels
from adapters.notify.fanout import FanoutNotifier
from adapters.notify.logging_notifier import LoggingNotifier
from adapters.notify.relay_signal import RelaySignal
from adapters.platform_webhooks.sender import HttpWebhookSender
from adapters.sql.engine import create_engine_for
from adapters.sql.idempotency import SqlIdempotencyStore
from adapters.sql.outbox import OutboxRelay
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from adapters.sql.webhook_deliveries import SqlDeliveryStore
from adapters.system.clock import RandomIds, SystemClock
from adapters.system.crash import CrashingProbe, parse_crash_points
from application.platform_webhooks import DeliverPlatformWebhooks, EnqueuePlatformWebhooks
from application.probes import NoProbe, Probe
from entrypoints.http.auth import TokenCodec
from entrypoints.http.rate_limits import RateLimits
from entrypoints.logging_setup import install_redaction
from entrypoints.settings import Settings

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



class Infrastructure(containers.DeclarativeContainer):
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
