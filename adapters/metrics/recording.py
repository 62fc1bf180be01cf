"""A Metrics fake that records what it was told, for tests to assert on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from adapters.metrics.events import tallies
from domain.events import DomainEvent


class RecordingMetrics:
    def __init__(self) -> None:
        self.counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self.timings: list[tuple[str, str, float]] = []

    def count(self, metric: str, **labels: str) -> int:
        return self.counts[(metric, tuple(sorted(labels.items())))]

    def _add(self, metric: str, **labels: str) -> None:
        self.counts[(metric, tuple(sorted(labels.items())))] += 1

    def events_committed(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            for t in tallies(event):
                self.counts[(t.metric, tuple(sorted(t.labels)))] += 1

    def gateway_call(self, endpoint: str, outcome: str, seconds: float) -> None:
        self._add("gateway_calls", endpoint=endpoint, outcome=outcome)
        self.timings.append(("gateway", endpoint, seconds))

    def gateway_retry(self, endpoint: str, code: str) -> None:
        self._add("gateway_retries", endpoint=endpoint, code=code)

    def callback(self, outcome: str, seconds: float, *, arrived: bool = True) -> None:
        if arrived:
            self._add("callbacks_received")
        if outcome != "received":
            self._add("callbacks", outcome=outcome)
            self.timings.append(("callback", outcome, seconds))

    def error(self, category: str, code: str) -> None:
        self._add("errors", category=category, code=code)

    def previous_secret_used(self, secret: str) -> None:
        self._add("previous_secret_used", secret=secret)

    def risk_decision(self, rule: str, outcome: str) -> None:
        self._add("risk_decisions", rule=rule, outcome=outcome)

    def risk_block_lifted(self, rule: str) -> None:
        self._add("risk_blocks_lifted", rule=rule)
