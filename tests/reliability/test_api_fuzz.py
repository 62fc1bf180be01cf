"""schemathesis against the app's own OpenAPI, in process, with valid tokens: no 5xx,
and every response matches what the schema promises (status, content type, body).

Stateless: every operation with generated inputs. Stateful: create an enrollment ->
start its checkout -> read it -> pay -> refund, with generated bodies at each step.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from adapters.fake.gateway import FakeGateway
from adapters.system.clock import SystemClock
from domain.gateway_report import GatewayStatus
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.reliability.figures import record
from tests.support.app_container import container_of

pytestmark = [pytest.mark.e2e, pytest.mark.property]
IN_CI = os.environ.get("CI") == "true"
PER_OPERATION = 60 if IN_CI else 12
STREAMS = "/api/v1/events"  # an endless event stream: not a request/response operation
WEBSOCKET = "/api/v1/events/ws"  # documented as its upgrade handshake (101), not plain HTTP


def build():  # type: ignore[no-untyped-def]
    container = build_container(Settings.from_env({
        "SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": "memory://",
        "SKILLPAY_PUBLIC_URL": "http://localhost"}))
    gateway = FakeGateway(SystemClock())
    container.gateway.override(gateway)
    return create_app(container, run_background=False), gateway


APP, GATEWAY = build()
TOKENS = {role: container_of(APP).tokens().mint(sub, role)
          for sub, role in (("stu-1", "student"), ("ops", "admin"), ("platform", "service"))}
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)
CASES = {"count": 0, "server_errors": 0}
# Conformance: status codes, content types, bodies and headers are what the schema says.
# (Business-rule refusals of schema-valid input, e.g. a currency we do not take, are
# correct answers here, so the "positive data accepted" check does not apply.)
CONFORMANCE = [checks.not_a_server_error, checks.status_code_conformance,
               checks.content_type_conformance, checks.response_schema_conformance,
               checks.response_headers_conformance]


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    record("API fuzzing (schemathesis, in process)", generated_cases=CASES["count"],
           server_errors=CASES["server_errors"], per_operation_limit=PER_OPERATION,
           stateful_flows=FLOWS["count"], stateful_refunds_answered=FLOWS["refunds_answered"],
           stateful_refunds_created=FLOWS.get("refunds_created", 0))


@schema.exclude(path=[STREAMS, WEBSOCKET]).parametrize()
@settings(max_examples=PER_OPERATION, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx_or_breaks_its_schema(case):
    role = ("admin", "student", "service")[CASES["count"] % 3]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKENS[role]}"}
    response = case.call()
    CASES["count"] += 1
    CASES["server_errors"] += response.status_code >= 500
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=CONFORMANCE)


def call_checked(case, token: str):  # type: ignore[no-untyped-def]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    response = case.call()
    CASES["count"] += 1
    CASES["server_errors"] += response.status_code >= 500
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=CONFORMANCE)
    return response


FLOWS = {"count": 0, "refunds_answered": 0}


@settings(max_examples=120 if IN_CI else 20, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_stateful_enrollment_checkout_read_refund(data):
    """Generated bodies at every step, chained by the ids the previous step returned."""
    FLOWS["count"] += 1
    enroll = data.draw(schema["/api/v1/enrollments"]["POST"].as_strategy())
    if data.draw(st.booleans()):  # generated currencies are rarely rand: help half the flows
        enroll.body = {"student_id": f"fuzz-{FLOWS['count']}", "course_id": "c",
                       "price": {"amount": data.draw(st.integers(1, 10**7)),
                                 "currency": "ZAR"}}
    created = call_checked(enroll, TOKENS["service"])
    if created.status_code != 201:
        return
    enrollment = created.json()
    student_token = container_of(APP).tokens().mint(enrollment["student_id"], "student")
    start = data.draw(schema["/api/v1/payments"]["POST"].as_strategy())
    if data.draw(st.integers(0, 3)):  # mostly a real enrollment, sometimes a generated one
        start.body = {"enrollment_id": enrollment["id"]}
        start.headers = {**(start.headers or {}),
                         "Idempotency-Key": f"fuzz-{enrollment['id']}"}
    started = call_checked(start, student_token)
    if started.status_code not in (200, 201):
        return
    payment = started.json()
    read = schema["/api/v1/payments/{payment_id}"]["GET"].Case(
        path_parameters={"payment_id": payment["id"]})
    assert call_checked(read, student_token).status_code == 200
    GATEWAY.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
    verify = schema["/api/v1/payments/{payment_id}/verify"]["POST"].Case(
        path_parameters={"payment_id": payment["id"]})
    assert call_checked(verify, student_token).json()["status"] == "succeeded"
    refund = data.draw(schema["/api/v1/payments/{payment_id}/refunds"]["POST"].as_strategy())
    refund.path_parameters = {"payment_id": payment["id"]}
    if data.draw(st.booleans()):
        refund.body = {"amount": data.draw(st.integers(1, payment["amount"]["amount"])),
                       "reason": "fuzzed refund"}
        refund.headers = {**(refund.headers or {}), "Idempotency-Key": f"fuzz-r-{payment['id']}"}
    answered = call_checked(refund, TOKENS["admin"]).status_code
    FLOWS["refunds_answered"] += 1
    FLOWS["refunds_created"] = FLOWS.get("refunds_created", 0) + (answered == 201)


def test_enough_cases_were_generated():
    assert CASES["count"] >= (1000 if IN_CI else 100), CASES
