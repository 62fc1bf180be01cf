"""The operator's payment search as typed into the console's form, and how it becomes
the use-case's query: dates are UTC (`from` is read as that day's midnight, `to`
includes that whole day), the cursor is the one the JSON API hands out, and a search by
payment id reads that one payment and keeps it only if the other filters match.

Apart from the routes (admin_console.py) and the HTML (admin_payment_list_page.py), so
that reading the query string is in one place both the page and its CSV use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request

from application.actor import Actor
from application.errors import InvalidInput, NotFound
from application.use_cases.payment_queries import GetPayment, ListPaymentsQuery
from domain.payment import Payment
from entrypoints.http.schemas import decode_cursor


@dataclass(frozen=True, slots=True)
class Search:
    """The list's filters as typed in the form (dates as YYYY-MM-DD, read as UTC)."""

    payment_id: str = ""
    student_id: str = ""
    status: str = ""
    date_from: str = ""
    date_to: str = ""

    def params(self) -> dict[str, str]:
        pairs = (("payment_id", self.payment_id), ("student_id", self.student_id),
                 ("status", self.status), ("from", self.date_from), ("to", self.date_to))
        return {k: v for k, v in pairs if v}

    def url(self, path: str, **more: str) -> str:
        query = urlencode({**self.params(), **more})
        return f"{path}?{query}" if query else path


def search_of(request: Request[Any, Any, Any]) -> Search:
    """The search from the query string, each field trimmed and cut to 128 characters."""
    q = request.query_params

    def one(name: str) -> str:
        return str(q.get(name) or "").strip()[:128]

    return Search(payment_id=one("payment_id"), student_id=one("student_id"),
                  status=one("status"), date_from=one("from"), date_to=one("to"))


def _when(text: str, name: str, *, end_of_day: bool) -> datetime | None:
    """A date (or date and time) as typed; without a timezone it is UTC. A plain `to`
    date includes that whole day."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a date like 2026-01-31") from None
    if value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    if end_of_day and len(text) == 10:  # YYYY-MM-DD
        value += timedelta(days=1) - timedelta(microseconds=1)
    return value


def list_query(actor: Actor, s: Search, limit: int,
               cursor: str | None = None) -> ListPaymentsQuery:
    """The use-case's query for the search; raises InvalidInput for a date or cursor
    that cannot be read."""
    return ListPaymentsQuery(
        actor=actor, status=s.status or None, student_id=s.student_id or None,
        created_from=_when(s.date_from, "Created from", end_of_day=False),
        created_to=_when(s.date_to, "Created to", end_of_day=True), limit=limit,
        after=decode_cursor(cursor) if cursor else None)


def _matches(p: Payment, q: ListPaymentsQuery) -> bool:
    return ((q.student_id is None or p.student_id == q.student_id)
            and (q.status is None or p.status.value == q.status)
            and (q.created_from is None or p.created_at >= q.created_from)
            and (q.created_to is None or p.created_at <= q.created_to))


async def found_by_id(get_payment: GetPayment, actor: Actor, s: Search,
                      q: ListPaymentsQuery) -> list[Payment]:
    """The payment the search names, if it exists and matches the other filters."""
    try:
        payment = await get_payment(actor, s.payment_id)
    except NotFound:
        return []
    return [payment] if _matches(payment, q) else []
