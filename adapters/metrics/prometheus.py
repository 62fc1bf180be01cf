"""The Metrics port over prometheus-client, on a registry handed in by the composition
root (never the global one, so two apps in one test process do not collide).

docs/monitoring.md lists every series; deploy/ alerts and dashboards use these names
and a test checks they exist in a real scrape.
"""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from adapters.metrics.events import tallies
from domain.events import DomainEvent

PREFIX = "skillpay"
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0)
CIRCUIT_STATES = {"closed": 0, "half_open": 1, "open": 2}


class PrometheusMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

        def counter(name: str, doc: str, *labels: str) -> Counter:
            return Counter(f"{PREFIX}_{name}", doc, labels, registry=registry)

        def gauge(name: str, doc: str, *labels: str) -> Gauge:
            return Gauge(f"{PREFIX}_{name}", doc, labels, registry=registry)

        def histogram(name: str, doc: str, *labels: str) -> Histogram:
            return Histogram(f"{PREFIX}_{name}", doc, labels, registry=registry,
                             buckets=LATENCY_BUCKETS)

        self._counters = {
            "payments_started": counter("payments_started", "Payments created (checkouts begun)"),
            "payments_finished": counter("payments_finished", "Payments reaching a final status",
                                         "status", "reason"),
            "payments_flagged": counter("payments_flagged", "Payments held for review",
                                        "reason"),
            "payment_anomalies": counter("payment_anomalies",
                                         "Gateway reports contradicting a final payment",
                                         "reported"),
            "payments_refunded": counter("payments_refunded",
                                         "Payments moving to (partially) refunded", "status"),
            "refunds": counter("refunds", "Refund state changes", "status"),
        }
        self.http_requests = counter("http_requests", "HTTP requests answered",
                                     "method", "route", "status")
        self.http_duration = histogram("http_request_duration_seconds",
                                       "HTTP request handling time", "method", "route")
        self.gateway_duration = histogram("gateway_call_duration_seconds",
                                          "Gateway port calls, retries included",
                                          "endpoint", "outcome")
        self.gateway_retries = counter("gateway_retries", "Gateway attempts that were retried",
                                       "endpoint", "code")
        self.circuit_state = gauge("gateway_circuit_state",
                                   "Gateway circuit: 0 closed, 1 half-open, 2 open")
        self.errors = counter("errors", "Classified failures answered as problems",
                              "category", "code")
        self.callbacks_received = counter("callbacks_received",
                                          "Gateway callbacks that reached the handler")
        self.callbacks = counter("callbacks", "Gateway callbacks by outcome", "outcome")
        self.callback_duration = histogram("callback_processing_seconds",
                                           "Time to store, confirm and apply a callback",
                                           "outcome")
        self.outbox_unrelayed = gauge("outbox_unrelayed_events", "Committed events not relayed")
        self.outbox_oldest = gauge("outbox_oldest_unrelayed_age_seconds",
                                   "Age of the oldest unrelayed event")
        self.oldest_pending = gauge("oldest_pending_payment_age_seconds",
                                    "Age of the oldest payment still pending")

    def events_committed(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for t in tallies(event):
                metric = self._counters[t.metric]
                (metric.labels(**dict(t.labels)) if t.labels else metric).inc()

    def gateway_call(self, endpoint: str, outcome: str, seconds: float) -> None:
        self.gateway_duration.labels(endpoint=endpoint, outcome=outcome).observe(seconds)

    def gateway_retry(self, endpoint: str, code: str) -> None:
        self.gateway_retries.labels(endpoint=endpoint, code=code).inc()

    def callback(self, outcome: str, seconds: float, *, arrived: bool = True) -> None:
        if arrived:
            self.callbacks_received.inc()
        if outcome != "received":
            self.callbacks.labels(outcome=outcome).inc()
            self.callback_duration.labels(outcome=outcome).observe(seconds)

    def error(self, category: str, code: str) -> None:
        self.errors.labels(category=category, code=code).inc()

    def http_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method=method, route=route, status=str(status)).inc()
        self.http_duration.labels(method=method, route=route).observe(seconds)

    def set_backlog(self, unrelayed: int, oldest_unrelayed_s: float,
                    oldest_pending_s: float) -> None:
        self.outbox_unrelayed.set(unrelayed)
        self.outbox_oldest.set(oldest_unrelayed_s)
        self.oldest_pending.set(oldest_pending_s)

    def set_circuit(self, state: str) -> None:
        self.circuit_state.set(CIRCUIT_STATES.get(state, 0))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
