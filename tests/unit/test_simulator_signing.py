"""The simulator's own signer against the same four literal vectors as the adapter's,
plus the escape rule's corners. The two signers share no code (see
test_simulator_independence), so agreeing on literals is real evidence."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from adapters.simulator.signing import ik_sign, ik_sign_ok
from tests.unit.signing_vectors import SECRET, VECTORS, Vector

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("vector", VECTORS, ids=[v.name for v in VECTORS])
def test_simulator_signer_passes_the_vectors(vector: Vector) -> None:
    assert ik_sign(SECRET, vector.path, vector.body) == vector.ik_sign
    assert ik_sign_ok(SECRET, vector.path, vector.body, vector.ik_sign.upper())


def test_secret_is_trimmed_and_query_dropped() -> None:
    assert ik_sign(f" {SECRET}\n", "/p?x=1", "{}") == ik_sign(SECRET, "/p", "{}")


def test_escape_rule_on_a_hand_escaped_message() -> None:
    """body a\\b"c'd<NUL>e must be signed as the literal text a\\\\b\\"c\\'d\\0e."""
    by_hand = r"/p" + r"a\\b\"c\'d\0e"
    expected = hmac.new(SECRET.encode(), by_hand.encode(), hashlib.sha256).hexdigest()
    assert ik_sign(SECRET, "/p", "a\\b\"c'd\x00e") == expected


def test_refusals() -> None:
    good = ik_sign(SECRET, "/p", "{}")
    assert not ik_sign_ok(SECRET, "/p", "{}", "0" * 64)
    assert not ik_sign_ok(SECRET, "/p", "{}", "é")
    assert not ik_sign_ok(SECRET, "/p", "\ud800", good)
    assert not ik_sign_ok("other", "/p", "{}", good)
