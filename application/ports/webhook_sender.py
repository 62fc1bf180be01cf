"""Port: the HTTP client that sends one signed platform webhook."""

from __future__ import annotations

from typing import Protocol


class WebhookSender(Protocol):
    """Contract: one POST per call, signed per Standard Webhooks with the current
    secret (and the previous one during a rotation), within a bounded timeout; no
    retries of its own (the delivery log schedules them). Returns the HTTP status of
    any answer, 5xx included; raises on a network failure or timeout."""

    async def send(self, url: str, event_id: str, body: bytes) -> int:
        """POST one signed delivery; return the HTTP status or raise on network failure."""
        ...
