"""The simulator's own iK Pay signer, written from docs/ikhokha.md's text alone.

It deliberately shares no code with adapters/ikhokha/signing.py: the simulator is the
test double that checks the adapter, so a bug copied into both would pass unseen.

    message = escape(path + body)   path without host or query; body "" for a GET
    escape  = a backslash before every \\ " and ' ; NUL becomes the two chars \\0
    IK-SIGN = lowercase hex HMAC-SHA256, key = the trimmed secret, all UTF-8
"""

from __future__ import annotations

import hashlib
import hmac

_BACKSLASHED = frozenset("\\\"'")


def _escaped(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch == "\x00":
            out.append("\\0")
        elif ch in _BACKSLASHED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def ik_sign(secret: str, path: str, body: str = "") -> str:
    """IK-SIGN of a request or callback; a query string on `path` is not signed."""
    bare_path = path.partition("?")[0]
    message = _escaped(bare_path + body).encode("utf-8")
    return hmac.new(secret.strip().encode("utf-8"), message, hashlib.sha256).hexdigest()


def ik_sign_ok(secret: str, path: str, body: str, presented: str) -> bool:
    """Constant-time check of a presented IK-SIGN (hex, either case)."""
    try:
        wanted = ik_sign(secret, path, body).encode("ascii")
        given = presented.strip().lower().encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate can never have been signed
        return False
    return hmac.compare_digest(wanted, given)
