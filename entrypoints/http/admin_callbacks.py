"""iKhokha's callbacks about one payment, on the operator's payment page.

Each callback we received for the payment's paylink: when it arrived, what iKhokha said
(the status in its body), what became of it (processed, waiting for a retry, failed with
which error, given up, or filed as an orphan) and how many attempts it took. With the
timeline (what the gateway's status call confirmed, by actor `gateway` or `checker`)
this answers "did iKhokha tell us, and what did we do with it". The stored body has its
secrets masked; only the status is shown.
"""

from __future__ import annotations

import json
from html import escape

from application.ports import InboxItem

_MEANING = {"received": "waiting to be confirmed", "processed": "confirmed and applied",
            "failed": "confirming failed; retried", "gave_up": "retries spent; checker took over",
            "orphan": "no payment with this paylink"}


def _said(item: InboxItem) -> str:
    try:
        status = json.loads(item.raw_body).get("status")
    except (ValueError, AttributeError):
        return "unreadable body"
    return str(status) if status else "no status"


def _item(item: InboxItem) -> str:
    error = f" · last error {escape(item.last_error)}" if item.last_error else ""
    return (f'<li class="callback"><div class="when">{item.received_at:%Y-%m-%d %H:%M:%S} UTC'
            f' · {escape(item.id)}</div>'
            f'<div class="what">iKhokha said {escape(_said(item))} — '
            f'{escape(_MEANING.get(item.status, item.status))}</div>'
            f'<div class="when">{item.attempts} failed attempt(s){error}</div></li>')


def render_callbacks(callbacks: list[InboxItem]) -> str:
    inner = ('<p id="callbacks-none">No callback from iKhokha for this payment yet.</p>'
             if not callbacks else
             f'<ul id="callbacks" class="timeline">{"".join(map(_item, callbacks))}</ul>')
    return (f'<section class="card" id="callbacks-card"><h2>Callbacks from iKhokha</h2>'
            f'{inner}</section>')
