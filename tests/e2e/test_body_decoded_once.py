"""Each POST/PUT body is decoded once (issue 17): the card-data guard parses the bytes,
and the handler's `data` Struct is converted strictly from that parse. Nothing else
decodes the request's bytes: not Litestar, not the handler, not the guard a second time."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from entrypoints.http import request_body
from tests.e2e.conftest import Api

pytestmark = pytest.mark.e2e
ENROLL = {"student_id": "stu-1", "course_id": "course-once",
          "price": {"amount": 49900, "currency": "ZAR"}}

# (method, path, role, body): every route whose `data` is a RequestBody; the ids need not
# exist (a 404 after decoding still shows how often the body was decoded).
ROUTES = [
    ("POST", "/api/v1/enrollments", "service", ENROLL),
    ("POST", "/api/v1/payments/pay_none/review", "admin", {"action": "accept", "reason": "r"}),
    ("POST", "/api/v1/payments/pay_none/refunds", "admin", {"reason": "r", "amount": 100}),
    ("POST", "/api/v1/refunds/ref_none/confirm", "admin", {"gateway_reference": "g-1"}),
    ("POST", "/api/v1/refunds/ref_none/cancel", "admin", {"reason": "r"}),
    ("POST", "/api/v1/enrollments/enr_none/revert", "admin", {"reason": "r"}),
    ("PUT", "/api/v1/admin/gateway-mode", "admin", {"mode": "test"}),
    ("POST", "/api/v1/reconciliations", "admin", {"from": "2026-01-01", "to": "2026-01-02"}),
    ("PUT", "/api/v1/admin/risk/rules", "admin", {
        "id": "no-such-rule", "limit": 5, "window_s": 3600, "outcome": "block",
        "enabled": True, "student_message": "s", "operator_message": "o"}),
    ("POST", "/api/v1/admin/risk/lift", "admin", {"flag_id": "flag_none", "reason": "r"}),
    ("POST", "/api/v1/progress", "service", {"enrollment_id": "enr_none",
                                             "percent_complete": 10}),
]


class Decodes:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.parsed = 0  # decodes of these bytes (msgspec or the standard library)
        self.structs = 0  # conversions into a request body Struct


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Decodes]:
    seen: list[Decodes] = []
    decode, loads, convert = msgspec.json.decode, json.loads, msgspec.convert

    def counting_decode(raw: Any, *args: Any, **kwargs: Any) -> Any:
        for d in seen:
            d.parsed += bytes(raw) == d.raw if isinstance(raw, (bytes, bytearray)) else 0
        return decode(raw, *args, **kwargs)

    def counting_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        for d in seen:
            d.parsed += (text.encode() if isinstance(text, str) else text) == d.raw
        return loads(text, *args, **kwargs)

    def counting_convert(value: Any, kind: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(kind, type) and issubclass(kind, request_body.RequestBody):
            for d in seen:
                d.structs += 1
        return convert(value, kind, *args, **kwargs)

    monkeypatch.setattr(msgspec.json, "decode", counting_decode)
    monkeypatch.setattr(json, "loads", counting_loads)
    monkeypatch.setattr(msgspec, "convert", counting_convert)
    return seen


def _post(api: Api, seen: list[Decodes], method: str, path: str, role: str,
          body: dict[str, Any], key: str, sub: str = "caller-1") -> tuple[int, Decodes]:
    raw = json.dumps(body).encode()
    decodes = Decodes(raw)
    seen[:] = [decodes]
    r = api.client.request(method, path, content=raw, headers={
        **api.auth(sub, role), "Content-Type": "application/json",
        "Idempotency-Key": key})
    seen.clear()
    return r.status_code, decodes


@pytest.mark.parametrize(("method", "path", "role", "body"), ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_each_body_is_decoded_once_into_its_struct(api, counted, method, path, role, body):
    status, decodes = _post(api, counted, method, path, role, body, "once-key-000000001")
    assert status < 500
    assert status != 400, "a valid body must decode"
    assert (decodes.parsed, decodes.structs) == (1, 1)


def test_a_checkout_is_decoded_once_and_its_replay_too(api, counted):
    enrollment = api.enrollment()
    for expected in (201, 201):  # the replay answers the stored response
        status, decodes = _post(api, counted, "POST", "/api/v1/payments", "student",
                                {"enrollment_id": enrollment["id"]}, "once-key-000000002",
                                sub="stu-1")
        assert status == expected
        assert (decodes.parsed, decodes.structs) == (1, 1)


def test_a_refused_body_is_decoded_once_too(api, counted):
    status, decodes = _post(api, counted, "POST", "/api/v1/enrollments", "service",
                            {**ENROLL, "price": {"amount": "100", "currency": "ZAR"}},
                            "once-key-000000003")
    assert status == 400
    assert (decodes.parsed, decodes.structs) == (1, 1)


def test_a_signed_callback_is_decoded_once(api, counted):
    """The guard's parse serves the signature check and the inbox's masking too."""
    payment = api.checkout(api.enrollment()["id"]).json()
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    decodes = Decodes(body)
    counted[:] = [decodes]
    r = api.client.post("/webhooks/ikhokha", content=body, headers=headers)
    counted.clear()
    assert r.status_code == 200, r.text
    assert decodes.parsed == 1
