"""Plain server-rendered HTML for the sandbox: one small stylesheet, no CDN."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from domain.money import Money

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
header{display:flex;flex-wrap:wrap;gap:0 1rem;justify-content:space-between;align-items:center;
border-bottom:1px solid #ddd}
.card{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}
button,.button{background:#0a6cff;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;
cursor:pointer;text-decoration:none;font-size:1rem;display:inline-block}
.button.owned{background:#137333}.button.secondary{background:#fff;color:#0a6cff;
border:1px solid #0a6cff}.card .price{font-weight:600}.card h2{margin-top:0}
.status{font-size:1.4rem;font-weight:600}.ok{color:#137333}.bad{color:#b3261e}.wait{color:#8a6d00}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.4rem;
text-align:left}nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.5rem 0}
code{overflow-wrap:anywhere;word-break:break-all;font-size:.95rem}
.next-step{background:#f4f8ff;border-color:#c9dcff}.next-step h3{margin-top:0}
.payments{list-style:none;padding:0}.payments .row{display:flex;flex-wrap:wrap;
justify-content:space-between;gap:.25rem 1rem}.payments h2{font-size:1.15rem;margin:0}
.amount{font-weight:600}.badge{display:inline-block;border-radius:999px;padding:.1rem .6rem;
font-size:.85rem;background:#eee}.badge.ok{background:#e6f4ea}.badge.bad{background:#fce8e6}
.badge.wait{background:#fff4d6}.muted{color:#5f6368;font-size:.9rem}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.4rem 1rem;
margin:0}dl.facts dt{color:#5f6368}dl.facts dd{margin:0;overflow-wrap:anywhere}
@media (max-width:30rem){body{margin:1rem auto}dl.facts{grid-template-columns:1fr}
dl.facts dd{margin-bottom:.4rem}}
@media print{header span,nav,.no-print,button,.button{display:none!important}
body{margin:0;max-width:none;color:#000}.card{border:0;padding:0}
a{color:#000;text-decoration:none}}
"""

TONE = {"succeeded": "ok", "partially_refunded": "ok", "refunded": "ok", "pending": "wait",
        "created": "wait", "manual_action_required": "wait"}
STATUS_WORDS = {"created": "Starting", "pending": "Waiting for payment", "succeeded": "Paid",
                "failed": "Declined", "cancelled": "Cancelled", "expired": "Expired",
                "partially_refunded": "Partly refunded", "refunded": "Refunded",
                "manual_action_required": "Manual action required", "held": "Under review"}


def rand(money: Money) -> str:
    """Rand as a student reads it: 49900 cents -> "R499.00"; other currencies as is."""
    if money.currency != "ZAR":
        return str(money)
    whole, cents = divmod(money.amount_minor, 100)
    return f"R{whole}.{cents:02d}"


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%-d %b %Y, %H:%M UTC")


def page(title: str, body: str, *, who: str | None = None) -> str:
    person = f"<span>Signed in as <b>{escape(who)}</b></span>" if who else ""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><header><h1>Beta Skill</h1>{person}</header>"
            f"<nav><a href='/sandbox'>Courses</a><a href='/sandbox/payments'>My payments</a>"
            f"<a href='/sandbox/admin'>Admin</a></nav>"
            f"{body}</body></html>")
