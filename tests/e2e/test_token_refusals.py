"""Bearer tokens: HS256 with our secret only, `exp` and `sub` required, known roles only.
Every refusal is a 401 problem and a warning in the log (without the token)."""

import base64
import json
import logging
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.support.secure_api import secure_api

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def api():
    with secure_api() as api:
        yield api


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(**over):
    now = datetime.now(UTC)
    claims = {"sub": "stu-1", "role": "student", "iat": now, "exp": now + timedelta(hours=1)}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _secret(api) -> str:
    return api.settings.jwt_secret


TOKENS = {
    "alg none": lambda api: jwt.encode(_claims(), None, algorithm="none"),
    "alg none with a signature": lambda api: _b64({"alg": "none", "typ": "JWT"}) + "."
    + _b64({"sub": "stu-1", "role": "admin", "exp": 4102444800}) + ".c2ln",
    "HS512 with our secret": lambda api: jwt.encode(_claims(), _secret(api), algorithm="HS512"),
    "RS256 header": lambda api: _b64({"alg": "RS256", "typ": "JWT"}) + "."
    + _b64({"sub": "stu-1", "role": "admin", "exp": 4102444800}) + ".AAAA",
    "missing exp": lambda api: jwt.encode(_claims(exp=None), _secret(api), algorithm="HS256"),
    "missing sub": lambda api: jwt.encode(_claims(sub=None), _secret(api), algorithm="HS256"),
    "expired": lambda api: jwt.encode(
        _claims(exp=datetime.now(UTC) - timedelta(seconds=5)), _secret(api), algorithm="HS256"),
    "unknown role": lambda api: jwt.encode(_claims(role="superuser"), _secret(api),
                                           algorithm="HS256"),
    "wrong secret": lambda api: jwt.encode(_claims(), "another-key-" * 4, algorithm="HS256"),
    "garbage": lambda api: "not-a-token",
}


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("kind", list(TOKENS))
def test_a_token_we_did_not_issue_properly_is_refused(api, kind, caplog):
    token = TOKENS[kind](api)
    with caplog.at_level(logging.WARNING, logger="skillpay.security"):
        r = api.client.get("/api/v1/payments", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401, (kind, r.text)
    assert r.json()["code"] == "unauthenticated"
    assert r.headers["content-type"].startswith("application/problem+json")
    refused = [rec.getMessage() for rec in caplog.records if "token refused" in rec.getMessage()]
    assert refused and all(token not in line for line in refused)


def test_a_proper_token_is_accepted(api):
    r = api.client.get("/api/v1/payments", headers=api.auth("stu-1"))
    assert r.status_code == 200


def test_minting_refuses_unknown_roles(api):
    with pytest.raises(ValueError):
        api.tokens.mint("x", "superuser")
