"""The failure table at the HTTP edge: request bodies that msgspec refuses, and other
failures only the HTTP layer sees, with the problem each must become (code, status,
retryable, what the student reads). The table of failures raised inside the service is
tests/unit/test_classification.py."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

INVALID = "Some details in the request are not valid. Please check them and try again."
UNREADABLE = "The request could not be read. Please try again."
SERVICE = "platform"

ENROLL = "/api/v1/enrollments"
GOOD = {"student_id": "stu-1", "course_id": "course-table",
        "price": {"amount": 49900, "currency": "ZAR"}}

ROWS: list[tuple[str, dict[str, Any], tuple[str, int, bool, str]]] = [
    ("amount as a string (msgspec: expected int)",
     {"json": {**GOOD, "price": {"amount": "499.00", "currency": "ZAR"}}},
     ("invalid_request", 400, False, INVALID)),
    ("amount as a float (msgspec strict)",
     {"json": {**GOOD, "price": {"amount": 499.0, "currency": "ZAR"}}},
     ("invalid_request", 400, False, INVALID)),
    ("a required field missing (msgspec)",
     {"json": {"student_id": "stu-1", "price": GOOD["price"]}},
     ("invalid_request", 400, False, INVALID)),
    ("an unknown currency", {"json": {**GOOD, "price": {"amount": 100, "currency": "XTS"}}},
     ("unsupported_currency", 422, False,
      "Payments are accepted in South African rand (ZAR) only.")),
    ("a body that is not JSON",
     {"content": b'{"student_id": "stu-1",', "headers": {"Content-Type": "application/json"}},
     ("malformed_json", 400, False, UNREADABLE)),
    ("no credentials", {"json": GOOD, "anonymous": True},
     ("unauthenticated", 401, False, "Please sign in again.")),
]


@pytest.mark.parametrize("request_kw,expected", [pytest.param(kw, e, id=name)
                                                 for name, kw, e in ROWS])
def test_a_failed_request_becomes_its_problem(api: Any, request_kw: dict[str, Any],
                                              expected: tuple[str, int, bool, str]) -> None:
    kw = dict(request_kw)
    headers = {} if kw.pop("anonymous", False) else api.auth(SERVICE, "service")
    headers.update(kw.pop("headers", {}))
    r = api.client.post(ENROLL, headers=headers, **kw)
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (body["code"], r.status_code, body["retryable"], body["user_message"]) == expected, \
        body
    assert body["status"] == r.status_code
