"""Signing: the four vectors (docs/ikhokha.md's two, history and webhook), and awkward bodies checked against an independent
re-implementation of the escape rule written here from the spec text."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from adapters.ikhokha.signing import escape, sign, signature_matches, signed_headers
from adapters.ikhokha.wire import CreatePaylinkBody, Urls, encode
from tests.unit.signing_vectors import VECTORS, Vector

pytestmark = pytest.mark.unit
SECRET = "test-app-secret"
API = "/public-api/v1/api"


def reference_sign(secret: str, path: str, body: str) -> str:
    """Spec: backslash before \\ " ' ; NUL -> the two chars \\0; HMAC-SHA256 hex."""
    escaped = re.sub(r"([\\\"'])", r"\\\1", path + body).replace("\x00", "\\0")
    return hmac.new(secret.strip().encode(), escaped.encode("utf-8"), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_signing_vectors(vector: Vector) -> None:
    """docs/ikhokha.md's create and status vectors, and the history (query ignored) and
    webhook vectors computed with openssl (see tests/unit/signing_vectors.py)."""
    assert sign(SECRET, vector.path, vector.body) == vector.ik_sign
    assert sign(SECRET, vector.path, vector.body.encode("utf-8")) == vector.ik_sign
    assert signature_matches(SECRET, vector.path, vector.body, vector.ik_sign)


def test_secret_is_trimmed_and_query_is_not_signed() -> None:
    path = f"{API}/getStatus/2zh1zj6y8xpb0g3"
    assert sign(f"  {SECRET}\n", path + "?x=1") == sign(SECRET, path)


@pytest.mark.parametrize("body", [
    '{"description":"Joe\'s \'quoted\' course"}',
    '{"description":"C:\\\\temp\\\\file"}',
    '{"description":"nul\\u0000here"}',
    '{"raw":"has a real NUL \x00 inside"}',
    '{"description":"Café — Ñandú 日本 🎓 https://a/b"}',
    "",
])
@pytest.mark.parametrize("method_path", [f"{API}/payment", f"{API}/getStatus/abc123def456ghi"])
def test_awkward_bodies_match_independent_implementation(body: str, method_path: str) -> None:
    assert sign(SECRET, method_path, body) == reference_sign(SECRET, method_path, body)
    assert sign(SECRET, method_path, body.encode("utf-8")) == sign(SECRET, method_path, body)


def test_escape_rule() -> None:
    assert escape("a\\b\"c'd\x00e") == "a\\\\b\\\"c\\'d\\0e"


def test_signed_body_is_compact_utf8_with_unescaped_slashes() -> None:
    urls = Urls("https://x/cb", "https://x/s", "https://x/f", "https://x/c")
    body = encode(CreatePaylinkBody(entityID="app", amount=100, currency="ZAR",
                                    requesterUrl="https://x", mode="test",
                                    externalTransactionID="pay_1", urls=urls,
                                    description="Café Joe's"))
    text = body.decode("utf-8")
    assert " " not in text.replace("Café Joe's", "") and "\\/" not in text and "Café" in text
    headers = signed_headers("app", SECRET, f"{API}/payment", body)
    assert headers["IK-SIGN"] == reference_sign(SECRET, f"{API}/payment", text)


def test_signature_matches_is_case_insensitive_hex_and_rejects_others() -> None:
    good = sign(SECRET, "/p", "{}")
    assert signature_matches(SECRET, "/p", "{}", good.upper())
    assert not signature_matches(SECRET, "/p", "{}", "0" * 64)
    assert not signature_matches(SECRET, "/p", "{}", "é")
