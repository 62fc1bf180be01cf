"""Every route that takes an id, read from the app's route table: student B never reaches
student A's resource (404, so ids cannot be probed; 403 where the role may not act at all).

A new route with a path parameter fails `test_every_id_route_has_an_owner_test` until it
is added to OWNED (how to create A's resource) or PUBLIC (why it needs no owner check).
"""

from dataclasses import dataclass

import pytest

from domain.gateway_report import GatewayStatus
from domain.money import Money
from tests.support.secure_api import BASE_ENV, secure_api

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Owned:
    resource: str  # which of A's resources goes into the path (see `create`)
    admin_only: bool = False  # students and services get 403, even the owner
    body: dict | None = None
    headers: dict | None = None


OWNED = {
    ("GET", "/api/v1/enrollments/{enrollment_id:str}"): Owned("enrollment"),
    ("POST", "/api/v1/enrollments/{enrollment_id:str}/revert"):
        Owned("active_enrollment", admin_only=True, body={"reason": "owner test"}),
    ("GET", "/api/v1/payments/{payment_id:str}"): Owned("payment"),
    ("POST", "/api/v1/payments/{payment_id:str}/verify"): Owned("payment"),
    ("GET", "/api/v1/payments/{payment_id:str}/audit"): Owned("payment", admin_only=True),
    ("POST", "/api/v1/payments/{payment_id:str}/refunds"):
        Owned("paid_payment", admin_only=True, body={"reason": "owner test"},
              headers={"Idempotency-Key": "owner-test-refund-0001"}),
    ("POST", "/api/v1/payments/{payment_id:str}/review"):
        Owned("held_payment", admin_only=True,
              body={"action": "accept", "reason": "owner test: the amount was checked"}),
    ("GET", "/api/v1/refunds/{refund_id:str}"): Owned("refund"),
    ("POST", "/api/v1/refunds/{refund_id:str}/confirm"):
        Owned("manual_refund", admin_only=True, body={"gateway_reference": "IK-REF-0001"}),
    ("POST", "/api/v1/refunds/{refund_id:str}/cancel"):
        Owned("manual_refund", admin_only=True, body={"reason": "never made"}),
    ("GET", "/api/v1/reconciliations/{report_id:str}"):
        Owned("reconciliation", admin_only=True),
}
PUBLIC = {
    ("GET", "/checkout/{payment_id:str}/{outcome:str}"):
        "the page after iKhokha's checkout: static text, no payment data",
    ("GET", "/schema/{path:str}"): "Litestar's OpenAPI documents",
    ("GET", "/docs-assets/{file_path:path}"): "Swagger UI's static scripts and styles",
}
# Routes without an id that only some roles may use: the roles, and a valid body.
ENROLLMENT = {"student_id": "stu-a", "course_id": "c-1",
              "price": {"amount": 100, "currency": "ZAR"}}
PERIOD = {"from": "2026-11-01", "to": "2026-11-02"}
ROLE_ONLY = {
    ("POST", "/api/v1/enrollments"): (("service", "admin"), ENROLLMENT),
    ("GET", "/api/v1/stats"): (("admin",), None),
    ("GET", "/api/v1/gateway/transactions?from=2026-11-01&to=2026-11-02"): (("admin",), None),
    ("POST", "/api/v1/reconciliations"): (("admin",), PERIOD),
    ("GET", "/api/v1/reconciliations"): (("admin",), None),
    ("GET", "/api/v1/admin/gateway-mode"): (("admin",), None),
    ("PUT", "/api/v1/admin/gateway-mode"): (("admin",), {"mode": "test"}),
}


def _route_table():
    from entrypoints.container import build_container
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings

    app = create_app(build_container(Settings.from_env(BASE_ENV)), run_background=False)
    return sorted({(method, route.path) for route in app.routes
                   for method in getattr(route, "methods", ())
                   if method not in ("OPTIONS", "HEAD")})


ROUTES = _route_table()
ID_ROUTES = [r for r in ROUTES if "{" in r[1]]


@pytest.fixture(scope="module")
def api():
    with secure_api({"SKILLPAY_MAX_OPEN_CHECKOUTS": "0", "SKILLPAY_RATE_LIMIT_PAYMENTS": "0"}) \
            as api:
        yield api


def _admin(api, method: str, path: str, **kw) -> dict:
    r = api.client.request(method, path, headers={**api.auth("admin-1", "admin"),
                                                  **kw.pop("headers", {})}, **kw)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def create(api, resource: str, owner: str) -> str:
    """Student `owner`'s resource of the kind a route takes (or an admin's record)."""
    if resource == "reconciliation":
        return _admin(api, "POST", "/api/v1/reconciliations", json=PERIOD)["id"]
    enrollment = api.enrollment(owner)
    if resource == "enrollment":
        return enrollment["id"]
    r = api.checkout(enrollment["id"], owner, f"owner-key-{enrollment['id']}"[:60])
    assert r.status_code == 201, r.text
    payment = r.json()
    if resource == "payment":
        return payment["id"]
    if resource == "held_payment":  # the gateway reports another amount: held for review
        api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS,
                           reported_amount=Money(payment["amount"]["amount"] - 100, "ZAR"))
    else:
        api.gateway.settle(payment["gateway_reference"], GatewayStatus.SUCCESS)
    body, headers = api.gateway.signed_callback(payment["gateway_reference"])
    assert api.client.post("/webhooks/ikhokha", content=body, headers=headers).status_code == 200
    if resource in ("paid_payment", "held_payment"):
        return payment["id"]
    if resource == "active_enrollment":
        return enrollment["id"]
    api.gateway.can_refund = resource != "manual_refund"
    refund = _admin(api, "POST", f"/api/v1/payments/{payment['id']}/refunds",
                    json={"reason": "owner test"},
                    headers={"Idempotency-Key": f"refund-{payment['id']}"[:60]})
    api.gateway.can_refund = True
    if resource in ("refund", "manual_refund"):
        return refund["id"]
    raise AssertionError(f"no recipe for {resource}: add one to create()")


def _fill(path: str, value: str) -> str:
    head, _, rest = path.partition("{")
    return head + value + rest.partition("}")[2]


def test_every_id_route_has_an_owner_test():
    missing = [r for r in ID_ROUTES if r not in OWNED and r not in PUBLIC]
    assert not missing, f"routes with an id but no owner test (add them to OWNED): {missing}"
    assert ID_ROUTES, "the route table has no id routes: the test is reading the wrong table"


CHECKED = [r for r in ID_ROUTES if r not in PUBLIC]  # a route in neither map fails below


@pytest.mark.parametrize("route", CHECKED, ids=[f"{m} {p}" for m, p in CHECKED])
def test_another_student_cannot_reach_my_resource(api, route):
    method, path = route
    owned = OWNED.get(route)
    assert owned is not None, f"{method} {path} has no owner test: add it to OWNED"
    url = _fill(path, create(api, owned.resource, "stu-a"))
    call = lambda sub, role="student": api.client.request(  # noqa: E731
        method, url, headers={**api.auth(sub, role), **(owned.headers or {})}, json=owned.body)
    mine, theirs, platform = call("stu-a"), call("stu-b"), call("platform", "service")
    admin = call("admin-1", "admin")  # last: it may change the resource (revert, refund)
    assert admin.status_code < 400, admin.text
    if owned.admin_only:
        assert mine.status_code == theirs.status_code == platform.status_code == 403
        assert theirs.json()["code"] == "forbidden"
        return
    assert mine.status_code < 400, mine.text
    assert theirs.status_code == 404, theirs.text
    assert theirs.json()["code"] == "not_found"
    assert "stu-a" not in theirs.text
    assert platform.status_code in (403, 404)


@pytest.mark.parametrize("route", sorted(ROLE_ONLY))
def test_roles_that_may_not_act_get_403(api, route):
    method, path = route
    allowed, body = ROLE_ONLY[route]
    for role in ("student", "service", "admin"):
        r = api.client.request(method, path, headers=api.auth(f"{role}-x", role), json=body)
        assert (r.status_code == 403) == (role not in allowed), (role, r.text)
        if r.status_code == 403:
            assert r.json()["code"] == "forbidden"


def test_a_student_cannot_list_another_students_payments(api):
    create(api, "payment", "stu-list-a")
    r = api.client.get("/api/v1/payments?student_id=stu-list-a", headers=api.auth("stu-b"))
    assert all(p["student_id"] == "stu-b" for p in r.json().get("items", [])) \
        or r.status_code in (403, 404)


def test_settled_payment_stays_private(api):
    payment_id = create(api, "payment", "stu-a")
    reference = api.client.get(f"/api/v1/payments/{payment_id}",
                               headers=api.auth("stu-a")).json()["gateway_reference"]
    api.gateway.settle(reference, GatewayStatus.SUCCESS)
    r = api.client.get(f"/api/v1/payments/{payment_id}", headers=api.auth("stu-b"))
    assert r.status_code == 404
