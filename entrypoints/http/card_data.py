"""Where card data sits in a decoded request body: the card-data guard's parser.

An HTTP concern (card_data_guard.py refuses such bodies with `card_data_refused`); the
recognition of a card number itself is the domain's (domain/card_numbers.py).
"""

from __future__ import annotations

from typing import Any

from domain.card_numbers import CARD_KEYS, card_numbers_in


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
