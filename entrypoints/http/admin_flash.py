"""The operator pages' one-shot flash message: a form post answers 303 with the outcome
in a short-lived cookie, and the page it lands on shows it once and deletes it.

A cookie rather than a query parameter, so that no crafted link can put words on the
operator's page. HttpOnly, SameSite=Strict, scoped to /admin, Secure like the admin
cookie (admin_session.py).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request
from litestar.datastructures import Cookie

from entrypoints.http.admin_session import secure
from entrypoints.settings import Settings

FLASH_COOKIE = "skillpay_admin_flash"


def flash_cookie(tone: str, text: str, request: Request[Any, Any, Any],
                 settings: Settings) -> Cookie:
    """`tone`: "ok" or "error"; the text is cut to 600 characters."""
    return Cookie(key=FLASH_COOKIE, value=quote(json.dumps([tone, text[:600]])), path="/admin",
                  max_age=120, httponly=True, samesite="strict",
                  secure=secure(request, settings))


def read_flash(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        tone, text = json.loads(unquote(raw))
    except (ValueError, TypeError):
        return None
    return (str(tone), str(text)) if isinstance(text, str) else None


def flash_shown(request: Request[Any, Any, Any]) -> list[Cookie] | None:
    """Deletes the flash cookie once the page showing it is served."""
    if not request.cookies.get(FLASH_COOKIE):
        return None
    return [Cookie(key=FLASH_COOKIE, value="", path="/admin", max_age=0, httponly=True,
                   samesite="strict")]
