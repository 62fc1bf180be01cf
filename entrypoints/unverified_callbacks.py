"""SKILLPAY_ENABLE_WEBHOOK_VALIDATION=false: callbacks are parsed but their signature is
not checked. Refused in production (entrypoints/safety.py) and announced loudly at start.

Only useful against a gateway look-alike that cannot sign. Even then nothing is applied
on a callback's word alone: HandleCallback confirms every callback with the gateway.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from adapters.ikhokha.callbacks import compact_without_unsigned
from adapters.ikhokha.protocol_points import map_status
from application.ports import CallbackNotice
from domain.classification import ClassifiedFailure
from entrypoints.settings import Settings

log = logging.getLogger("skillpay.security")


class UnverifiedCallbacks:
    """Wraps a gateway; everything but `verify_callback` goes to the wrapped one."""

    def __init__(self, gateway: Any) -> None:
        self._gateway = gateway

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gateway, name)

    def verify_callback(self, path: str, headers: Mapping[str, str],
                        raw_body: bytes, decoded: Any = None) -> CallbackNotice:
        log.warning("callback accepted WITHOUT signature check (webhook validation is off)")
        try:
            data = json.loads(raw_body) if decoded is None else decoded
            paylink_id = str(data["paylinkID"])
            status = map_status(str(data.get("status", "")))
        except (ValueError, KeyError, TypeError):
            raise ClassifiedFailure("invalid_request", "callback body is not understood") \
                from None
        digest = hashlib.sha256(compact_without_unsigned(data).encode()).hexdigest()[:32]
        external = data.get("externalTransactionID")
        return CallbackNotice(paylink_id=paylink_id, status=status,
                              external_transaction_id=str(external) if external else None,
                              dedupe_key=f"{paylink_id}:{status.value}:{digest}")


def callback_gateway(gateway: Any, settings: Settings) -> Any:
    """The gateway whose verify_callback the webhook uses; never unverified in production."""
    if settings.enable_webhook_validation or settings.is_production:
        return gateway
    return UnverifiedCallbacks(gateway)
