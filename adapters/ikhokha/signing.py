"""iK Pay request signing (docs/ikhokha.md "Signing").

The signature covers the escaped text of `path + body`, so the body we sign must be
the exact bytes we send: callers encode once and pass those bytes to both places.
"""

from __future__ import annotations

import hashlib
import hmac

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "'": "\\'", "\0": "\\0"})


def escape(text: str) -> str:
    """Backslash before every \\ " and ', and NUL as the two characters \\0 (one pass
    in C: this runs on every callback and every request we sign)."""
    return text.translate(_ESCAPES)


def signing_message(path: str, body: bytes | str = b"") -> str:
    """`path` is the URL path only (no host, no query); `body` is "" for a GET."""
    if "?" in path:
        path = path.split("?", 1)[0]
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return escape(path + text)


def sign(secret: str, path: str, body: bytes | str = b"") -> str:
    """Lowercase hex HMAC-SHA256 of the escaped message, keyed by the trimmed secret."""
    key = secret.strip().encode("utf-8")
    return hmac.new(key, signing_message(path, body).encode("utf-8"), hashlib.sha256).hexdigest()


def signature_matches(secret: str, path: str, body: bytes | str, signature: str) -> bool:
    """Constant-time comparison, so timing reveals nothing about the expected value.

    A body that cannot be UTF-8 encoded (a lone surrogate, e.g. from a callback's
    re-serialised `\\ud800`) was never signed: no match, rather than a crash."""
    try:
        expected = sign(secret, path, body)
        presented = signature.strip().lower().encode("utf-8")
    except UnicodeError:
        return False
    return hmac.compare_digest(expected.encode("ascii"), presented)


def signed_headers(app_id: str, secret: str, path: str, body: bytes = b"") -> dict[str, str]:
    """The three headers every iK Pay request carries."""
    return {
        "IK-APPID": app_id,
        "IK-SIGN": sign(secret, path, body),
        "Content-Type": "application/json",
    }
