"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

signature = "v1," + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")), where the key
is the base64 text after the `whsec_` prefix, decoded. Receivers verify with any
Standard Webhooks library.

While a secret is being rotated, `webhook-signature` carries one `v1,<sig>` per secret,
space separated (current first), as Standard Webhooks describes: a receiver holding
either secret accepts the message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

PREFIX = "whsec_"


def decode_secret(secret: str) -> bytes:
    text = secret.removeprefix(PREFIX)
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("the platform webhook secret must be whsec_ + base64") from None


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str | Sequence[str], message_id: str, timestamp: int,
            body: bytes) -> dict[str, str]:
    """`secret`: one, or the current and the previous during a rotation."""
    keys = (secret,) if isinstance(secret, str) else tuple(secret)
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(sign(k, message_id, timestamp, body) for k in keys),
            "content-type": "application/json"}
