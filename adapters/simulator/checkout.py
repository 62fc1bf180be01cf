"""The hosted checkout page: plain HTML forms, no scripts, no external CDN.

Each button POSTs to /checkout/{paylinkID}/{outcome}; the simulator settles the
paylink, sends the signed callback, then redirects the browser (303) to the
merchant's success, failure or cancel page.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from adapters.simulator.api import STATE_KEY
from adapters.simulator.settle import SettleError, settle

_BUTTONS = (("pay", "Pay"), ("decline", "Decline"),
            ("insufficient_funds", "Insufficient funds"), ("cancel", "Cancel"))


def _page(title: str, body: str, status: int = 200) -> web.Response:
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"</head><body><h1>{title}</h1>{body}</body></html>")
    return web.Response(text=html, content_type="text/html", status=status)


async def checkout_page(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    link = state.paylinks.get(request.match_info["paylink_id"])
    if link is None:
        return _page("Payment link not found", "<p>This link is not known.</p>", 404)
    amount = f"{link.amount // 100}.{link.amount % 100:02d} {escape(link.currency)}"
    if link.status != "PENDING":
        return _page("Payment link used", f"<p>Status: {escape(link.status)}</p>")
    forms = "".join(
        f'<form method=post action="/checkout/{link.paylink_id}/{outcome}">'
        f"<button type=submit>{label}</button></form>" for outcome, label in _BUTTONS)
    return _page("iK Pay simulator checkout",
                 f"<p>{escape(link.description or '')}</p><p>Amount: {amount}</p>{forms}")


async def checkout_click(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    try:
        _link, redirect = await settle(state, request.match_info["paylink_id"],
                                       request.match_info["outcome"])
    except SettleError as exc:
        return _page("Payment not possible", f"<p>{escape(str(exc))}</p>", exc.status)
    raise web.HTTPSeeOther(location=redirect)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/checkout/{paylink_id}", checkout_page)
    app.router.add_post("/checkout/{paylink_id}/{outcome}", checkout_click)
