"""Find secrets, tokens and card numbers in captured log lines (the log-hygiene check).

`CaptureHandler` records every formatted line; `scan` reports what must never be there:
the configured secret values, JWT-looking strings, Bearer credentials, unmasked IK-SIGN
values, Luhn-valid card numbers and whole e-mail addresses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.card_numbers import card_numbers_in

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+")
_BEARER = re.compile(r"(?i)bearer\s+(?!\*\*\*)[A-Za-z0-9._~+/-]{8,}")
_IK_SIGN = re.compile(r"(?i)ik-sign['\"]?\s*[:=,]\s*['\"]?(?!\*\*\*)[0-9a-f]{16,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Finding:
    kind: str
    line: str


class CaptureHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a broken record must not break the suite being observed
            self.lines.append(f"UNFORMATTABLE {record.name}")


def scan(lines: Iterable[str], secrets: Iterable[str] = ()) -> list[Finding]:
    values = [s for s in secrets if s]
    findings = []
    for line in lines:
        for kind, hit in (("secret", any(s in line for s in values)),
                          ("jwt", _JWT.search(line)), ("bearer", _BEARER.search(line)),
                          ("ik-sign", _IK_SIGN.search(line)),
                          ("card number", next(card_numbers_in(line), None)),
                          ("e-mail", _EMAIL.search(line))):
            if hit:
                findings.append(Finding(kind, line[:300]))
    return findings
