"""Verify an iK Pay callback and derive its dedupe key from the SIGNED content only.

Order (IKHOKHA.md): `ik-appid` equals our app id; signature over (path + raw body);
if that fails, over the compact re-serialisation without the unsigned `text` member.
The dedupe key ignores `text`, so the same callback with new prose is a duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from adapters.ikhokha import protocol_points as pp
from adapters.ikhokha.signing import signature_matches
from adapters.ikhokha.wire import CallbackBody, convert
from application.ports import CallbackNotice
from domain.classification import ClassifiedFailure


def compact_without_unsigned(data: dict[str, Any]) -> str:
    """Compact JSON (no spaces, UTF-8 kept, `/` unescaped) without `text`, order kept."""
    kept = {k: v for k, v in data.items() if k not in pp.CALLBACK_UNSIGNED_MEMBERS}
    return json.dumps(kept, separators=(",", ":"), ensure_ascii=False)


def _carries_unsigned_prose(data: dict[str, Any], text: str) -> bool:
    """The fallback is for iKhokha's own compact body plus `text`, nothing re-encoded."""
    has_prose = any(k in data for k in pp.CALLBACK_UNSIGNED_MEMBERS)
    return has_prose and text == json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _refuse(why: str) -> ClassifiedFailure:
    return ClassifiedFailure("invalid_signature", why)


def verify(app_id: str, secret: str, path: str, headers: Mapping[str, str],
           raw_body: bytes) -> CallbackNotice:
    lowered = {k.lower(): v for k, v in headers.items()}
    sent_app_id = lowered.get("ik-appid", "").strip()
    if not hmac.compare_digest(sent_app_id.encode("utf-8"), app_id.encode("utf-8")):
        raise _refuse("callback app id does not match")
    signature = lowered.get("ik-sign", "")
    try:
        text = raw_body.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise _refuse("callback body is not signed JSON") from None
    if not isinstance(data, dict):
        raise _refuse("callback body is not a JSON object")
    compact = compact_without_unsigned(data)
    if not (signature_matches(secret, path, text, signature)
            or (_carries_unsigned_prose(data, text)
                and signature_matches(secret, path, compact, signature))):
        raise _refuse("callback signature does not match")
    try:
        body = convert(data, CallbackBody)
    except ClassifiedFailure:
        raise ClassifiedFailure("invalid_request", "signed callback has an unexpected shape") \
            from None
    status = pp.map_status(body.status)
    digest = hashlib.sha256(compact.encode("utf-8")).hexdigest()[:32]
    return CallbackNotice(paylink_id=body.paylinkID, status=status,
                          external_transaction_id=body.externalTransactionID,
                          dedupe_key=f"{body.paylinkID}:{status.value}:{digest}")
