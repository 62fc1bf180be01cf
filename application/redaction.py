"""The one redaction step: everything logged or stored raw goes through a `Redactor`.

Masks secrets by name (headers, keys), by shape (Bearer tokens, JWT-looking strings,
card numbers shown as BIN + last 4, e-mail addresses partly) and by value (the
configured secrets, registered with the redactor at startup).

The redactor is an object, never module state. The logging setup
(entrypoints/logging_setup.py) makes the process's one, because the standard library's
log record factory it masks in is process-wide, and registers the configured secrets
with it; the composition root (entrypoints/container.py) passes that same redactor to the use cases
that store raw input (the callback inbox), so logs and stored callbacks mask alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from domain.card_numbers import CARD_KEYS, card_numbers_in

SECRET_HEADERS = frozenset({"authorization", "ik-sign", "cookie", "x-api-key",
                            "webhook-signature", "proxy-authorization", "ik-appid",
                            "set-cookie"})
SECRET_KEY_PARTS = ("secret", "password", "token", "authorization", "ik-sign", "ik_sign",
                    "api_key", "apikey", "signature")
MASK = "***"
MIN_SECRET = 6  # shorter values would mask ordinary words

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# Every shape below needs one of these in its lowered ASCII text (a card number: 13 digits
# with single spaces or dashes between). Text with none of them, the usual id or status in
# a log line, skips the shapes: one scan instead of five. Non-ASCII text always takes
# every shape (case-insensitive matching folds some non-ASCII letters to ASCII ones).
_MAY_HOLD_A_SHAPE = re.compile(r"bearer|basic|eyj|sign|authorization|cvv|cvc|password|"
                               r"secret|token|@|\d[\d -]{12}")
_KEYED = re.compile(r"(?i)\b(ik-sign|ik_sign|authorization|cvv2?|cvc2?|password|"
                    r"[a-z_]*secret|[a-z_]*token)(\"?\s*[:=]\s*[\"']?)([^\s,;&'\"}]+)")


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group())
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def _mask_shapes(text: str) -> str:
    """Bearer and Basic credentials, JWTs, keyed secrets, card numbers, e-mail addresses."""
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


class Redactor:
    """Masks secrets, tokens, card numbers and e-mail addresses in text and values.

    Holds the secret values to mask wherever they appear (app, webhook and JWT secrets,
    current and previous). Registering is idempotent; a value shorter than `MIN_SECRET`
    is ignored. Never raises on any input.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._longest_first: tuple[str, ...] = ()
        for value in secrets:
            self.register(value)

    def register(self, value: str) -> None:
        """Mask this exact value wherever it appears from now on."""
        if value and len(value) >= MIN_SECRET and value not in self._secrets:
            self._secrets.add(value)
            self._longest_first = tuple(sorted(self._secrets, key=len, reverse=True))

    def secrets(self) -> frozenset[str]:
        """Every value registered so far."""
        return frozenset(self._secrets)

    def redact_text(self, text: str) -> str:
        for secret in self._longest_first:
            if secret in text:
                text = text.replace(secret, MASK)
        if text.isascii() and not _MAY_HOLD_A_SHAPE.search(text.lower()):
            return text
        return _mask_shapes(text)

    def redact_value(self, value: Any) -> Any:
        """Redact strings inside any JSON-like value; values under secret keys become ***."""
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, Mapping):
            return {k: (MASK if isinstance(k, str) and _secret_key(k) else self.redact_value(v))
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.redact_value(v) for v in value)
        return value

    def mask_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {k.lower(): (MASK if k.lower() in SECRET_HEADERS else self.redact_text(v))
                for k, v in headers.items()}

    def mask_body(self, raw: bytes, decoded: Any = None) -> bytes:
        """A stored raw body without card data or secrets (JSON keeps its shape).
        `decoded`: the body's JSON value when already parsed (None: parse here)."""
        if decoded is not None:
            data = decoded
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                return raw
            try:
                data = json.loads(text)
            except ValueError:
                return self.redact_text(text).encode("utf-8")
        cleaned = self.redact_value(data)
        return raw if cleaned == data else json.dumps(cleaned, ensure_ascii=False).encode(
            "utf-8")
