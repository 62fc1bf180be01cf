"""Card data must never reach us: students type it on iKhokha's hosted page only.

The pure recognition of card data, used twice: the HTTP layer refuses bodies that carry
it (entrypoints/http/card_data.py), and the redactor masks card numbers in anything
logged or stored (application/redaction.py). It lives in the domain because both sides
need the same answer to "is this a card number".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CARD_KEYS = frozenset({"card_number", "cardnumber", "pan", "cvv", "cvc", "cvv2", "cvc2"})
# 13-19 digits, optionally grouped by single spaces or dashes, not part of a longer token.
CARD_RUN = re.compile(r"(?<![0-9A-Za-z])(?<!\d[ -])(?:\d[ -]?){12,18}\d(?![0-9A-Za-z])(?![ -]\d)")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_numbers_in(text: str) -> Iterator[re.Match[str]]:
    """Every Luhn-valid 13-19 digit run in `text` (spaces and dashes allowed inside)."""
    for match in CARD_RUN.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            yield match
