"""Verify an iK Pay callback and derive its dedupe key from the SIGNED content only.

Order (docs/ikhokha.md): `ik-appid` equals our app id; signature over (path + raw body);
if that fails, over (path + the compact re-serialisation without the unsigned `text`
member, member order kept). The fallback puts no condition on how the raw body was
spaced or escaped: a pretty-printed or \\u-escaped copy carries the same signed members,
and any change of a signed member's value or order breaks the signature. The dedupe key
is derived from that compact signed content, so new prose, new spacing or new escaping
of the same callback is a duplicate.
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
from application.secret_rotation import SecretRotation
from domain.classification import ClassifiedFailure


def compact_without_unsigned(data: dict[str, Any]) -> str:
    """Compact JSON (no spaces, UTF-8 kept, `/` unescaped) without `text`, order kept."""
    kept = {k: v for k, v in data.items() if k not in pp.CALLBACK_UNSIGNED_MEMBERS}
    return json.dumps(kept, separators=(",", ":"), ensure_ascii=False)


def _refuse(why: str) -> ClassifiedFailure:
    return ClassifiedFailure("invalid_signature", why)


def verify(app_id: str, secret: str | SecretRotation, path: str, headers: Mapping[str, str],
           raw_body: bytes, decoded: Any = None) -> CallbackNotice:
    """`secret` may be a rotation: the current secret, and the previous one during its
    grace period (a match by the previous one is counted and logged there). `decoded`:
    the body's JSON value when the caller already parsed these bytes (None: parse here)."""
    secrets = secret if isinstance(secret, SecretRotation) else SecretRotation.fixed(secret)
    lowered = {k.lower(): v for k, v in headers.items()}
    missing = [name for name in ("ik-appid", "ik-sign") if not lowered.get(name, "").strip()]
    if missing:
        raise _refuse(f"callback is missing the {' and '.join(missing)} header"
                      + ("s" if len(missing) > 1 else ""))
    sent_app_id = lowered.get("ik-appid", "").strip()
    # surrogatepass: a header may carry undecodable bytes as surrogates; refuse, not crash.
    if not hmac.compare_digest(sent_app_id.encode("utf-8", "surrogatepass"),
                               app_id.encode("utf-8")):
        raise _refuse("callback app id does not match")
    signature = lowered.get("ik-sign", "")
    try:
        text = raw_body.decode("utf-8")
        data = json.loads(text) if decoded is None else decoded
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse("callback body is not signed JSON") from None
    if not isinstance(data, dict):
        raise _refuse("callback body is not a JSON object")
    compact = compact_without_unsigned(data)
    if not secrets.matches(lambda key: signature_matches(key, path, text, signature)
                           or signature_matches(key, path, compact, signature)):
        raise _refuse("callback signature does not match")
    try:
        body = convert(data, CallbackBody)
    except ClassifiedFailure:
        raise ClassifiedFailure("invalid_request", "signed callback has an unexpected shape") \
            from None
    status = pp.map_status(body.status)
    # surrogatepass: a signed body may spell a lone surrogate as \ud800; never crash here.
    digest = hashlib.sha256(compact.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return CallbackNotice(paylink_id=body.paylinkID, status=status,
                          external_transaction_id=body.externalTransactionID,
                          dedupe_key=f"{body.paylinkID}:{status.value}:{digest}")
