"""The alert rules and the Grafana dashboard use exactly the metric names the app exports:
every name referenced in a PromQL expression is declared by a real /metrics scrape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from litestar.testing import AsyncTestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.scrape import family_names

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Identifiers followed by a selector, a range or an operator; PromQL keywords and
# functions are never prefixed `skillpay_`.
_METRIC = re.compile(r"\bskillpay_[a-zA-Z0-9_]+")
_SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def referenced(expr: str) -> set[str]:
    return set(_METRIC.findall(expr))


def rule_expressions() -> list[str]:
    doc = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    return [rule["expr"] for group in doc["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    doc = json.loads((ROOT / "deploy/grafana/payments-dashboard.json").read_text())
    return [t["expr"] for p in doc["panels"] for t in p.get("targets", [])]


def family_of(name: str, families: set[str]) -> str | None:
    """The declared family a sample name belongs to (a counter `x` is scraped as
    `x_total`, a histogram `h` as `h_bucket`/`h_count`/`h_sum`)."""
    if name in families:
        return name
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in families:
            return name[: -len(suffix)]
    return None


@pytest.fixture
async def declared() -> set[str]:
    container = build_container(Settings.from_env({"SKILLPAY_ENV": "test",
                                                   "SKILLPAY_DATABASE_URL": "memory://"}))
    async with AsyncTestClient(create_app(container, run_background=False)) as client:
        response = await client.get("/metrics")
        assert response.status_code == 200
        return family_names(response.text)


def test_the_files_hold_the_rules_and_panels_operators_were_promised():
    alerts = {rule["alert"] for group in yaml.safe_load(
        (ROOT / "deploy/prometheus/alerts.yml").read_text())["groups"] for rule in group["rules"]}
    assert {"PaymentSuccessRateDropped", "GatewayErrorRateHigh", "BadWebhookSignatureBurst",
            "PaymentsStuckPending", "OutboxLagging", "DailyReconciliationMismatches",
            "DailyReconciliationNotRunning"} <= alerts
    assert len(dashboard_expressions()) >= 10


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
async def test_every_referenced_metric_exists_in_a_real_scrape(declared, source):
    expressions = rule_expressions() if source == "alerts" else dashboard_expressions()
    names = set().union(*(referenced(e) for e in expressions))
    assert names, "no metric referenced at all"
    unknown = sorted(n for n in names if family_of(n, declared) is None)
    assert unknown == []


def test_suffix_handling_does_not_accept_made_up_names():
    families = {"skillpay_payments_started", "skillpay_gateway_call_duration_seconds"}
    assert family_of("skillpay_payments_started_total", families) == "skillpay_payments_started"
    assert family_of("skillpay_gateway_call_duration_seconds_bucket", families)
    assert family_of("skillpay_payments_startedx_total", families) is None
    assert family_of("skillpay_gateway_call_duration_bucket", families) is None


async def test_docs_list_every_exported_metric(declared):
    text = (ROOT / "docs/monitoring.md").read_text()
    documented = {n for n in declared if not n.endswith("_created")}
    missing = sorted(n for n in documented
                     if f"`{n}`" not in text and f"`{n.removesuffix('_total')}" not in text)
    assert missing == []
