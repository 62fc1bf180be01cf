"""Transaction history as CSV for finance: every page, streamed, amounts as integers.

Pages are read one at a time through the same use-case (and the same ownership rules)
as the JSON history, so memory stays at one page however long the history is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from litestar.response import Stream
from litestar.response.base import ASGIResponse

from application.ports import Page
from application.use_cases.payment_queries import MAX_LIMIT, ListPayments, ListPaymentsQuery
from domain.payment import Payment

COLUMNS = ("id", "created_at", "student_id", "enrollment_id", "status", "amount_minor",
           "currency", "refunded_minor", "gateway_reference", "review_reason")
CSV_MEDIA_TYPE = "text/csv"


def wants_csv(accept: str | None) -> bool:
    return accept is not None and "text/csv" in accept.lower()


def _line(values: tuple[object, ...]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        ["" if v is None else _safe(str(v)) for v in values])
    return out.getvalue().encode()


def _safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _row(p: Payment) -> tuple[object, ...]:
    return (p.id, p.created_at.isoformat(), p.student_id, p.enrollment_id, p.status.value,
            p.amount.amount_minor, p.amount.currency, p.refunded_minor, p.paylink_id,
            p.review_reason)


async def csv_export(list_payments: ListPayments,
                     query: ListPaymentsQuery) -> AsyncIterator[bytes]:
    """The header, then every payment matching `query`, newest first. The first page is
    read before returning, so a refused query is a problem response, not a broken file."""
    query = replace(query, limit=MAX_LIMIT)
    first = await list_payments(query)
    return _lines(list_payments, query, first)


async def _lines(list_payments: ListPayments, query: ListPaymentsQuery,
                 page: Page) -> AsyncIterator[bytes]:
    yield _line(COLUMNS)
    while True:
        for payment in page.items:
            yield _line(_row(payment))
        if not page.has_more or not page.items:
            return
        last = page.items[-1]
        page = await list_payments(replace(query, after=(last.created_at, last.id)))


async def csv_of(payments: list[Payment]) -> AsyncIterator[bytes]:
    """The same file for payments already in hand (a lookup by id)."""
    yield _line(COLUMNS)
    for payment in payments:
        yield _line(_row(payment))


class CsvStream(Stream):
    """A Stream that keeps its own media type: Litestar 2.x lets the handler's default
    (JSON, from the route's other return type) override a Stream's `media_type`."""

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        kwargs["media_type"] = CSV_MEDIA_TYPE
        return super().to_asgi_response(*args, **kwargs)
