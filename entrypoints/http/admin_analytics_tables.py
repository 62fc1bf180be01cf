"""The analytics page's tables: one HTML table per figure (the same rows as the API's
and the CSV's, from analytics_schemas.tables), each cell with its raw value in
`data-*` attributes (tests read them) and its text for people: money in the currency's
units, percentages, durations in h/min/s. Also the words for money and durations that
the charts and KPIs reuse.
"""

from __future__ import annotations

from html import escape

from domain.money import CURRENCY_EXPONENTS, Money

HEADINGS = {
    "funnel": "Funnel", "courses": "Per course (lowest conversion first)",
    "declines": "Decline reasons", "cancels": "Cancel reasons", "time_to_pay": "Time to pay",
    "refunds": "Refunds", "revenue": "Revenue by day (UTC)",
}
_MONEY = {"amount_minor", "refunded_minor", "net_minor"}


def money_text(minor: object, currency: str) -> str:
    return str(Money(int(str(minor)), currency)) if currency in CURRENCY_EXPONENTS else str(minor)


def duration(seconds: int) -> str:
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours} h {m} min" if hours else (f"{m} min {s} s" if m else f"{s} s")


def _cell(name: str, value: object, row: dict[str, object]) -> str:
    if value is None:
        text = "—"
    elif name in _MONEY:
        text = money_text(value, str(row.get("currency", "")))
    elif name.endswith("_percent"):
        text = f"{value}%"
    elif name.endswith("_seconds"):
        text = duration(int(str(value)))
    else:
        text = str(value)
    label = name.replace("_", " ")
    return (f'<td data-label="{escape(label)}" data-col="{escape(name)}" '
            f'data-value="{escape("" if value is None else str(value))}"'
            f'{" class=num" if not isinstance(value, str) else ""}>{escape(text)}</td>')


def table(name: str, header: tuple[str, ...], rows: list[list[object]], csv_url: str) -> str:
    head = "".join(f"<th>{escape(h.replace('_', ' '))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(_cell(h, v, dict(zip(header, row, strict=True)))
                         for h, v in zip(header, row, strict=True)) + "</tr>"
        for row in rows) or f'<tr><td colspan="{len(header)}">nothing in this range</td></tr>'
    return (f'<table class="data" id="table-{escape(name)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table><p class="csv"><a id="csv-{escape(name)}" '
            f'href="{escape(csv_url)}">Download CSV</a></p>')
