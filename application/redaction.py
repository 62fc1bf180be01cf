"""Mask secrets in headers before anything is stored or logged."""

from __future__ import annotations

from collections.abc import Mapping

SECRET_HEADERS = frozenset({"authorization", "ik-sign", "cookie", "x-api-key",
                            "webhook-signature", "proxy-authorization", "ik-appid"})
MASK = "***"


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): (MASK if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}
