"""Card data must never reach us: students type it on iKhokha's hosted page only.

Pure detection used twice: the HTTP layer refuses bodies that carry card data, and the
redactor masks card numbers in anything logged or stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

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


def find_card_data(value: Any, path: str = "$") -> str | None:
    """Where in a decoded JSON value card data sits (a path, never the value), or None."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}"
            if isinstance(key, str) and key.lower() in CARD_KEYS:
                return here
            if isinstance(key, str) and next(card_numbers_in(key), None) is not None:
                return f"{path}.<key>"
            found = find_card_data(item, here)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_card_data(item, f"{path}[{index}]")
            if found:
                return found
    elif isinstance(value, str) and next(card_numbers_in(value), None) is not None:
        return path
    return None
