"""The webhook inbox stores the callback as received, minus secrets and card data."""

import hashlib
import hmac
import json

import pytest

pytestmark = pytest.mark.unit


async def test_the_stored_callback_has_headers_and_card_data_masked(world):
    enrollment = await world.enrollment()
    payment = await world.checkout(enrollment)
    body = json.dumps({"paylinkID": payment.paylink_id, "status": "SUCCESS",
                       "externalTransactionID": payment.id, "responseCode": "00",
                       "text": "paid by thandi@example.com with 4111111111111111"},
                      separators=(",", ":")).encode()
    signature = hmac.new(b"fake-callback-secret", body, hashlib.sha256).hexdigest()
    await world.handle_callback({"ik-sign": signature, "Authorization": "Bearer x"}, body)
    (item,) = world.store.inbox.values()
    assert item.headers["ik-sign"] == "***" and item.headers["authorization"] == "***"
    stored = json.loads(item.raw_body)
    assert stored["text"] == "paid by t***@example.com with 411111******1111"
    assert stored["paylinkID"] == payment.paylink_id
