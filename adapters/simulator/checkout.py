"""The hosted checkout page: plain HTML forms, no scripts, no external CDN.

It looks like a hosted payment page (merchant, what is being bought, the amount, a card
form), but the card fields are pictures of fields: there is no input, so the page can
never accept or send a card number. Each outcome button POSTs an empty form to
/checkout/{paylinkID}/{outcome}; the simulator settles the paylink, sends the signed
callback, then redirects the browser (303) to the merchant's success, failure or cancel
page.
"""

from __future__ import annotations

import re
from html import escape

from aiohttp import web

from adapters.simulator.api import STATE_KEY
from adapters.simulator.settle import SettleError, settle
from adapters.simulator.state import SimPaylink

# The trading name of the merchant account this simulator stands in for.
MERCHANT = "Beta Skill"
_BUTTONS = (("pay", "Pay", "pay"), ("decline", "Decline", "alt"),
            ("insufficient_funds", "Insufficient funds", "alt"), ("cancel", "Cancel", "link"))
_INTERNAL_ID = re.compile(r"\s+([a-z]{2,8}_[A-Za-z0-9_-]{4,})$")
_STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#eef1f5;font-family:system-ui,sans-serif;color:#1b1f24}
main{max-width:26rem;margin:2rem auto;padding:0 1rem}
.sheet{background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:1.5rem}
.brand{display:flex;justify-content:space-between;align-items:center;gap:.5rem;
font-size:.85rem;color:#5f6368;margin-bottom:1rem}.brand strong{color:#d0112b;font-size:1rem}
.sim{background:#fff4d6;color:#6b5300;border-radius:999px;padding:.1rem .6rem}
.merchant{font-size:.9rem;color:#5f6368;margin:0}
h1{font-size:1.3rem;margin:.2rem 0 .4rem;overflow-wrap:anywhere}
.amount{font-size:2rem;font-weight:700;margin:.2rem 0 1rem}
.ref{font-size:.8rem;color:#5f6368;overflow-wrap:anywhere;margin:.2rem 0}
.card-form{border:1px solid #dadce0;border-radius:8px;padding:1rem;margin:1rem 0}
.field{margin-bottom:.75rem}.field span{display:block;font-size:.8rem;color:#5f6368}
.fake{border:1px solid #dadce0;border-radius:6px;padding:.6rem;color:#9aa0a6;background:#f8f9fa;
margin-top:.25rem;letter-spacing:.1em}.pair{display:flex;gap:.75rem}.pair .field{flex:1}
.note{font-size:.8rem;color:#5f6368;margin:0}
form{margin:.5rem 0}button{width:100%;font-size:1rem;border-radius:8px;padding:.75rem;
cursor:pointer;border:1px solid #1b1f24;background:#fff;color:#1b1f24}
button.pay{background:#d0112b;border-color:#d0112b;color:#fff;font-weight:600}
button.link{border:0;background:none;text-decoration:underline;color:#5f6368}
.outcomes{display:grid;grid-template-columns:1fr 1fr;gap:0 .5rem}
.foot{text-align:center;font-size:.8rem;color:#5f6368;margin-top:1rem}
"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body><main>"
            f"<div class=sheet><div class=brand><strong>iK Pay</strong>"
            f"<span class=sim>Simulator</span></div>{body}</div>"
            f"<p class=foot>Secure checkout look-alike for testing. "
            f"No real money moves.</p></main></body></html>")
    return web.Response(text=html, content_type="text/html", status=status)


def _amounts(minor: int, currency: str) -> tuple[str, str]:
    """The headline amount (rand as people read it) and the exact amount with currency."""
    whole, cents = divmod(minor, 100)
    exact = f"{whole}.{cents:02d} {currency}"
    return (f"R{whole}.{cents:02d}" if currency == "ZAR" else exact), exact


def _item(description: str | None) -> tuple[str, str | None]:
    """What is being bought, and an internal reference kept out of the headline."""
    text = (description or "").strip()
    reference = None
    found = _INTERNAL_ID.search(text)
    if found:
        reference, text = found.group(1), text[:found.start()].strip()
    if text.startswith(MERCHANT + " ") and len(text) > len(MERCHANT) + 1:
        text = text[len(MERCHANT) + 1:]
        text = text[:1].upper() + text[1:]
    return text or "Payment", reference


def _checkout(link: SimPaylink) -> str:
    item, reference = _item(link.description)
    headline, exact = _amounts(link.amount, link.currency)
    refs = f"Order {link.external_id}" + (f" · {reference}" if reference else "")
    pay, decline, short, cancel = (
        f'<form method=post action="/checkout/{escape(link.paylink_id)}/{outcome}">'
        f"<button type=submit class={cls}>{label}</button></form>"
        for outcome, label, cls in _BUTTONS)
    return (f"<p class=merchant>Pay {escape(MERCHANT)}</p><h1 class=item>{escape(item)}</h1>"
            f"<p class=amount>{escape(headline)}</p>"
            f"<p class=ref>Exact amount {escape(exact)}</p><p class=ref>{escape(refs)}</p>"
            "<div class=card-form aria-hidden=true>"
            "<div class=field><span>Card number</span><div class=fake>"
            "\u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 "
            "\u2022\u2022\u2022\u2022</div></div>"
            "<div class=pair><div class=field><span>Expiry</span><div class=fake>MM / YY</div>"
            "</div><div class=field><span>CVV</span><div class=fake>\u2022\u2022\u2022</div>"
            "</div></div><p class=note>Simulator: no card details are needed or collected. "
            "Choose how the payment ends.</p></div>"
            f"{pay}<div class=outcomes>{decline}{short}</div>{cancel}")


async def checkout_page(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    link = state.paylinks.get(request.match_info["paylink_id"])
    if link is None:
        return _page("Payment link not found", "<h1>Payment link not found</h1>"
                     "<p>This link is not known.</p>", 404)
    if link.status != "PENDING":
        return _page("Payment link used", "<h1>This payment link was already used</h1>"
                     f"<p>Status: {escape(link.status)}</p>")
    return _page(f"Pay {MERCHANT}", _checkout(link))


async def checkout_click(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    try:
        _link, redirect = await settle(state, request.match_info["paylink_id"],
                                       request.match_info["outcome"])
    except SettleError as exc:
        return _page("Payment not possible", "<h1>Payment not possible</h1>"
                     f"<p>{escape(str(exc))}</p>", exc.status)
    raise web.HTTPSeeOther(location=redirect)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/checkout/{paylink_id}", checkout_page)
    app.router.add_post("/checkout/{paylink_id}/{outcome}", checkout_click)
