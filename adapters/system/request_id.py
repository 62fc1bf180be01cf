"""The current request's id, set by the HTTP middleware and read by outbound adapters.

A ContextVar follows the request through every await, so the gateway transport can send
it on (`X-Request-ID`) and log lines can carry it, without the domain or the use-cases
ever seeing it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

current_request_id: ContextVar[str | None] = ContextVar("skillpay_request_id", default=None)


def accept_or_generate(offered: str | None) -> str:
    """A caller's id when it is well-formed (no spaces, no control chars), else a new one."""
    if offered and _WELL_FORMED.match(offered):
        return offered
    return uuid.uuid4().hex
