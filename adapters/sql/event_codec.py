"""Domain events to and from JSON, so the outbox can rebuild the exact event later.

The class name selects the `domain.events` class; fields are encoded as plain JSON with
datetimes as ISO 8601 strings, decoded back by the field's declared type.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import fields
from datetime import datetime
from functools import cache
from typing import Any

from domain import events as ev


def encode_event(event: ev.DomainEvent) -> tuple[str, str]:
    """(class name, JSON payload) of one event."""
    payload = {f.name: _encode_value(getattr(event, f.name)) for f in fields(event)}
    return type(event).__name__, json.dumps(payload, sort_keys=True)


def decode_event(name: str, payload: str) -> ev.DomainEvent:
    cls = getattr(ev, name, None)
    if not (isinstance(cls, type) and issubclass(cls, ev.DomainEvent)):
        raise ValueError(f"unknown domain event {name!r}")
    data = json.loads(payload)
    datetime_fields = _datetime_fields(cls)
    values = {k: (datetime.fromisoformat(v) if k in datetime_fields and v is not None else v)
              for k, v in data.items()}
    return cls(**values)


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("event timestamps must be timezone-aware")
        return value.isoformat()
    return value


@cache
def _datetime_fields(cls: type[ev.DomainEvent]) -> frozenset[str]:
    hints = typing.get_type_hints(cls)
    found = set()
    for name, hint in hints.items():
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        if datetime in options:
            found.add(name)
    return frozenset(found)
