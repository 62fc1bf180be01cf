import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.redaction import Redactor, _mask_shapes
from domain.card_numbers import luhn_valid
from entrypoints.http.card_data import find_card_data

pytestmark = pytest.mark.unit

# A redactor that knows no secret values: what every test below masks by name and shape.
_plain = Redactor()
redact_text, redact_value = _plain.redact_text, _plain.redact_value
mask_headers, mask_body = _plain.mask_headers, _plain.mask_body


@pytest.mark.parametrize("number", ["4111111111111111", "5555555555554444", "378282246310005",
                                    "6011111111111117", "4222222222222"])
def test_known_card_numbers_are_luhn_valid(number):
    assert luhn_valid(number)


def test_card_numbers_show_bin_and_last_four_only():
    text = redact_text("paid with 4111111111111111 or 4111 1111 1111 1111 or 4111-1111-1111-1111")
    assert text == "paid with 411111******1111 or 411111******1111 or 411111******1111"


def test_digit_runs_that_are_not_cards_stay():
    for text in ("order 4111111111111112", "id 12345678-1234-1234-1234-123456789012",
                 "stamp 20261129020148123456789", "amount 49900"):
        assert redact_text(text) == text


def test_tokens_signatures_and_emails_are_masked():
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdHUtMSJ9.c2lnbmF0dXJlLXZhbHVl"
    text = redact_text(f"Authorization: Bearer {jwt} IK-SIGN: abcdef0123 mail thandi@example.com")
    assert jwt not in text and "abcdef0123" not in text and "thandi@" not in text
    assert "t***@example.com" in text
    assert redact_text(f"raw {jwt}") == "raw ***"


def test_registered_secret_values_are_masked_anywhere():
    redactor = Redactor()
    redactor.register("a-very-private-value-42")
    assert redactor.redact_text("oops a-very-private-value-42 leaked") == "oops *** leaked"
    redactor.register("short")  # too short to mask safely: ignored
    assert redactor.redact_text("short story") == "short story"


def test_secrets_belong_to_their_redactor_not_to_the_module():
    one, other = Redactor(["secret-of-the-first-app-01"]), Redactor()
    assert one.redact_text("x secret-of-the-first-app-01 y") == "x *** y"
    assert other.redact_text("x secret-of-the-first-app-01 y") == \
        "x secret-of-the-first-app-01 y"
    assert other.secrets() == frozenset()


def test_stored_bodies_and_headers_mask_the_registered_secrets_too():
    redactor = Redactor(["registered-app-secret-77"])
    body = redactor.mask_body(b'{"note":"leaked registered-app-secret-77"}')
    assert json.loads(body)["note"] == "leaked ***"
    assert redactor.mask_headers({"X-Echo": "registered-app-secret-77"}) == {"x-echo": "***"}


def test_values_under_secret_or_card_keys_are_masked():
    cleaned = redact_value({"CVV": "123", "nested": [{"app_secret": "x", "pan": "y"}],
                            "note": "card 4111111111111111", "amount": 100})
    assert cleaned == {"CVV": "***", "nested": [{"app_secret": "***", "pan": "***"}],
                       "note": "card 411111******1111", "amount": 100}


def test_headers_and_stored_bodies_are_masked():
    headers = mask_headers({"IK-SIGN": "abc", "Authorization": "Bearer x", "X-Other": "fine"})
    assert headers == {"ik-sign": "***", "authorization": "***", "x-other": "fine"}
    body = b'{"paylinkID":"p1","text":"card 4111111111111111"}'
    assert json.loads(mask_body(body))["text"] == "card 411111******1111"
    clean = b'{"paylinkID":"p1","status":"SUCCESS"}'
    assert mask_body(clean) is clean  # untouched bodies keep their signed bytes


@pytest.mark.parametrize("value, where", [
    ({"card_number": "x"}, "$.card_number"),
    ({"a": {"b": [{"CVC": 1}]}}, "$.a.b[0].CVC"),
    ({"Pan": "1"}, "$.Pan"),
    ({"note": "my card is 4111 1111 1111 1111"}, "$.note"),
    (["5555555555554444"], "$[0]"),
    ("plain text 4111111111111111", "$"),
])
def test_card_data_is_found_anywhere_and_reported_by_place(value, where):
    assert find_card_data(value) == where


@pytest.mark.parametrize("value", [{"enrollment_id": "enr_123"}, {"amount": 4111111111111111},
                                   {"reference": "4111111111111112"}, "no digits"])
def test_ordinary_bodies_carry_no_card_data(value):
    assert find_card_data(value) is None


_FRAGMENTS = st.sampled_from([
    "Bearer ", "BASIC ", "eyJhbGciOi", ".", "IK-SIGN", "ik_sign=", "Authorization: ", "cvv",
    "CVC2", "password=", "client_SECRET", "Token", "\"token\": \"", "@", "example.com", "\u017fecret",
    "\u212a", "\u0130", "4111", " ", "-", "1111", "5555555555554444", "12345678901234", "pay_", "paid",
    "stu_1", "2026-12-03T21:00:00+00:00", ":", "=", ",", "'", "\"", "}", "a", "Z", "9", "\n"])
# One of each shape, with no other word the quick path looks for.
_SHAPES = ["thandi@example.com", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0", "Bearer abc.def",
           "basic dXNlcjpwYXNz", "ik-sign: 0a1b2c", "CVV2=123", "cvc: 999", "PASSWORD=hunter2",
           "app_secret=abcdef", "x_token: q1w2e3", "Authorization: xyz", "4222222222222",
           "4111 1111 1111 1111", "5555-5555-5555-4444"]


@pytest.mark.parametrize("shape", _SHAPES)
def test_every_shape_alone_is_masked(shape):
    assert redact_text(f"id {shape} end") != f"id {shape} end"


@settings(max_examples=2000, deadline=None)
@given(st.lists(_FRAGMENTS | st.sampled_from(_SHAPES) | st.text(max_size=4), max_size=12).map("".join))
def test_the_quick_path_masks_exactly_what_every_shape_would(text):
    """Text the pre-check lets through must be text no shape would have changed."""
    assert redact_text(text) == _mask_shapes(text)
