"""The one redaction step: everything logged or stored raw goes through here first.

Masks secrets by name (headers, keys), by shape (Bearer tokens, JWT-looking strings,
card numbers shown as BIN + last 4, e-mail addresses partly) and by value (the
configured secrets, registered at startup with `register_secret`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from application.card_data import CARD_KEYS, card_numbers_in

SECRET_HEADERS = frozenset({"authorization", "ik-sign", "cookie", "x-api-key",
                            "webhook-signature", "proxy-authorization", "ik-appid",
                            "set-cookie"})
SECRET_KEY_PARTS = ("secret", "password", "token", "authorization", "ik-sign", "ik_sign",
                    "api_key", "apikey", "signature")
MASK = "***"
_MIN_SECRET = 6
_secrets: set[str] = set()

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
_KEYED = re.compile(r"(?i)\b(ik-sign|ik_sign|authorization|cvv2?|cvc2?|password|"
                    r"[a-z_]*secret|[a-z_]*token)(\"?\s*[:=]\s*[\"']?)([^\s,;&'\"}]+)")


def register_secret(value: str) -> None:
    """Mask this exact value wherever it appears (app, webhook and JWT secrets)."""
    if value and len(value) >= _MIN_SECRET:
        _secrets.add(value)


def registered_secrets() -> frozenset[str]:
    return frozenset(_secrets)


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group())
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def redact_text(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _JWT.sub(MASK, text)
    text = _KEYED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    for match in reversed(list(card_numbers_in(text))):
        text = text[:match.start()] + _card(match) + text[match.end():]
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def _secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in CARD_KEYS or lowered in SECRET_HEADERS or any(
        part in lowered for part in SECRET_KEY_PARTS)


def redact_value(value: Any) -> Any:
    """Redact strings inside any JSON-like value; values under secret keys become ***."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: (MASK if isinstance(k, str) and _secret_key(k) else redact_value(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    return value


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): (MASK if k.lower() in SECRET_HEADERS else redact_text(v))
            for k, v in headers.items()}


def mask_body(raw: bytes) -> bytes:
    """A stored raw body without card data or secrets (JSON keeps its shape)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    try:
        data = json.loads(text)
    except ValueError:
        return redact_text(text).encode("utf-8")
    cleaned = redact_value(data)
    return raw if cleaned == data else json.dumps(cleaned, ensure_ascii=False).encode("utf-8")
