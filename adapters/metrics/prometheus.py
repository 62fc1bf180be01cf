"""The Metrics port over prometheus-client, on a registry handed in by the composition
root (never the global one, so two apps in one test process do not collide).

docs/monitoring.md lists every series; deploy/ alerts and dashboards use these names
and a test checks they exist in a real scrape.
"""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from adapters.metrics.events import tallies
from application.reconciliation.report import CATEGORIES
from domain.events import DomainEvent

PREFIX = "skillpay"
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0)
CIRCUIT_STATES = {"closed": 0, "half_open": 1, "open": 2}
MISMATCH_CATEGORIES = tuple(c for c in CATEGORIES if c != "matched")
ROTATED_SECRETS = ("jwt", "callback")


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
        # The latest day the daily reconciliation finished, read from storage at scrape.
        self.daily_mismatches = gauge("daily_reconciliation_mismatches",
                                      "Mismatches found by the latest daily reconciliation",
                                      "category")
        self.daily_repaired = gauge("daily_reconciliation_repaired",
                                    "Payments the latest daily reconciliation repaired")
        self.daily_held = gauge("daily_reconciliation_held_for_review",
                                "Mismatches of the latest daily reconciliation left to review")
        self.daily_behind = gauge("daily_reconciliation_days_behind",
                                  "Days since the last daily reconciliation done (0: current)")
        for category in MISMATCH_CATEGORIES:  # exported at 0 from the start, for alerts
            self.daily_mismatches.labels(category=category)
        self.previous_secrets = counter("previous_secret_used",
                                        "Verifications that matched a rotated secret's "
                                        "previous value (grace period)", "secret")
        for secret in ROTATED_SECRETS:  # exported at 0 from the start, for alerts
            self.previous_secrets.labels(secret=secret)
        self.risk_decisions = counter("risk_decisions", "Risk rule decisions on checkouts, "
                                      "payment ends and refunds", "rule", "outcome")
        self.risk_lifts = counter("risk_blocks_lifted", "Risk blocks lifted by an operator",
                                  "rule")

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

    def previous_secret_used(self, secret: str) -> None:
        self.previous_secrets.labels(secret=secret).inc()

    def risk_decision(self, rule: str, outcome: str) -> None:
        self.risk_decisions.labels(rule=rule, outcome=outcome).inc()

    def risk_block_lifted(self, rule: str) -> None:
        self.risk_lifts.labels(rule=rule).inc()

    def http_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method=method, route=route, status=str(status)).inc()
        self.http_duration.labels(method=method, route=route).observe(seconds)

    def set_backlog(self, unrelayed: int, oldest_unrelayed_s: float,
                    oldest_pending_s: float) -> None:
        self.outbox_unrelayed.set(unrelayed)
        self.outbox_oldest.set(oldest_unrelayed_s)
        self.oldest_pending.set(oldest_pending_s)

    def set_daily_reconciliation(self, mismatches: dict[str, int], repaired: int, held: int,
                                 days_behind: int) -> None:
        for category, count in mismatches.items():
            self.daily_mismatches.labels(category=category).set(count)
        self.daily_repaired.set(repaired)
        self.daily_held.set(held)
        self.daily_behind.set(days_behind)

    def set_circuit(self, state: str) -> None:
        self.circuit_state.set(CIRCUIT_STATES.get(state, 0))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
