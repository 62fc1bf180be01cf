"""Webhook authenticity: any mutation of a signed iK Pay callback is refused and
changes nothing (byte flips, reordered or changed members in any encoding, another app
id, another path, truncation). A mere re-encoding of the same signed members (spacing,
\\u or \\/ escaping) is the same callback: docs/ikhokha.md's compact fallback accepts it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ikhokha.callbacks import verify
from adapters.ikhokha.signing import sign
from domain.classification import ClassifiedFailure

pytestmark = [pytest.mark.property, pytest.mark.unit]
APP_ID, SECRET, PATH = "app-under-test", "callback-secret-value", "/webhooks/ikhokha"
EXAMPLES = settings(max_examples=300, deadline=None)


def signed(paylink: str = "2zh1zj6y8xpb0g3", status: str = "SUCCESS",
           external: str = "pay_abc", text: str | None = None) -> tuple[bytes, dict[str, str]]:
    data = {"paylinkID": paylink, "status": status, "externalTransactionID": external,
            "responseCode": "00"}
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    headers = {"ik-appid": APP_ID, "ik-sign": sign(SECRET, PATH, body)}
    if text is not None:  # iKhokha may add prose that the signature does not cover
        data["text"] = text
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return body.encode(), headers


def refused(path: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        verify(APP_ID, SECRET, path, headers, body)
    except ClassifiedFailure as failure:
        return failure.code in ("invalid_signature", "invalid_request")
    return False


def test_the_genuine_callback_and_its_unsigned_prose_are_accepted():
    body, headers = signed()
    assert not refused(PATH, headers, body)
    body, headers = signed(text="Payment successful for Joe's course")
    assert not refused(PATH, headers, body)


@EXAMPLES
@given(st.data())
def test_any_byte_flip_is_refused(data):
    body, headers = signed(paylink=data.draw(st.from_regex(r"[a-z0-9]{15}", fullmatch=True)))
    at = data.draw(st.integers(0, len(body) - 1))
    bit = data.draw(st.integers(0, 7))
    flipped = bytearray(body)
    flipped[at] ^= 1 << bit
    assert refused(PATH, headers, bytes(flipped))


def _rewritten(data: dict, how: str) -> str:
    return {"spaces": lambda: json.dumps(data, ensure_ascii=False),
            "ascii": lambda: json.dumps(data, separators=(",", ":")),
            "slashes": lambda: json.dumps(data, separators=(",", ":")).replace("/", "\\/"),
            "pretty": lambda: json.dumps(data, indent=2, ensure_ascii=False)}[how]()


REWRITES = st.sampled_from(["spaces", "ascii", "slashes", "pretty"])


@EXAMPLES
@given(REWRITES, st.sampled_from(["SUCCESS", "FAILURE"]),
       st.one_of(st.none(), st.text(max_size=20)))
def test_re_encodings_of_the_same_signed_members_are_one_callback(how, status, text):
    """docs/ikhokha.md's fallback: the signature over the compact re-serialisation holds
    whatever the spacing or escaping, and the dedupe key is the same callback's."""
    body, headers = signed(status=status, external="pay_é/ü", text=text)
    again = _rewritten(json.loads(body), how).encode()
    assert again != body
    first = verify(APP_ID, SECRET, PATH, headers, body)
    second = verify(APP_ID, SECRET, PATH, headers, again)
    assert first == second


@EXAMPLES
@given(REWRITES, st.sampled_from(["SUCCESS", "FAILURE"]))
def test_reordered_members_are_refused_in_any_encoding(how, status):
    body, headers = signed(status=status, external="pay_é/ü")
    data = dict(reversed(list(json.loads(body).items())))
    assert refused(PATH, headers, _rewritten(data, how).encode())
    assert refused(PATH, headers, json.dumps(data, separators=(",", ":"),
                                             ensure_ascii=False).encode())


@EXAMPLES
@given(st.text(min_size=1, max_size=40).filter(lambda s: s != APP_ID))
def test_another_app_id_is_refused(app_id):
    body, headers = signed()
    assert refused(PATH, {**headers, "ik-appid": app_id}, body)


@EXAMPLES
@given(st.from_regex(r"/[a-z/]{0,30}", fullmatch=True).filter(lambda p: p != PATH))
def test_another_path_is_refused(path):
    body, headers = signed()
    assert refused(path, headers, body)


@EXAMPLES
@given(st.data())
def test_a_truncated_body_is_refused(data):
    body, headers = signed(text=data.draw(st.one_of(st.none(), st.text(max_size=20))))
    cut = data.draw(st.integers(0, len(body) - 1))
    assert refused(PATH, headers, body[:cut])


@EXAMPLES
@given(st.sampled_from(["paylinkID", "status", "externalTransactionID", "responseCode"]),
       st.text(min_size=1, max_size=20), st.sampled_from(["compact", "spaces", "ascii",
                                                          "slashes", "pretty"]))
def test_changing_a_signed_member_is_refused_even_with_prose_added(member, value, how):
    body, headers = signed(text="prose")
    data = json.loads(body)
    if data[member] == value:
        return
    data[member] = value
    written = (json.dumps(data, separators=(",", ":"), ensure_ascii=False)
               if how == "compact" else _rewritten(data, how))
    assert refused(PATH, headers, written.encode())


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["flip", "truncate", "app_id", "reorder"]), st.integers(0, 10**6))
def test_a_refused_callback_changes_nothing_in_the_product(mutation, n):
    import asyncio

    from adapters.ikhokha import IkhokhaGateway
    from tests.support.world import World

    body, headers = signed()
    if mutation == "flip":
        body = bytes(b ^ (1 if i == n % len(body) else 0) for i, b in enumerate(body))
    elif mutation == "truncate":
        body = body[: n % len(body)]
    elif mutation == "app_id":
        headers = {**headers, "ik-appid": f"other-{n}"}
    else:  # re-encoded AND reordered: the signed order is broken
        body = json.dumps(dict(reversed(list(json.loads(body).items())))).encode()
    gateway = IkhokhaGateway(base_url="http://127.0.0.1:9/unused", app_id=APP_ID,
                             app_secret=SECRET, webhook_secret=SECRET)
    world = World(real_gateway=gateway)
    with pytest.raises(ClassifiedFailure):
        asyncio.run(world.handle_callback(headers, body))
    assert world.store.inbox == {} and world.notifier.sent == []
    assert [a.action for a in world.store.audit] == ["callback_rejected"]
