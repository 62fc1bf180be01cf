"""Where the gateway sends the student's browser after checkout.

The page carries no payment data (the browser has no token here); it tells the student
what happens next and sends them back to the app, which shows the live status. Landing
here is also a signal: right after the page is sent, the server asks the gateway about
this payment (`VerifyOnReturn`, coalesced per payment), so a lost callback costs the
student who paid nothing.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any, Literal
from urllib.parse import quote

from litestar import MediaType, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from application.use_cases.verify_on_return import VerifyOnReturn

log = logging.getLogger("skillpay.http")
Outcome = Literal["success", "failure", "cancel"]
_PAGES = {
    "success": ("Thank you!", "We are confirming your payment with iKhokha. Your course "
                "unlocks as soon as the payment is confirmed, usually within seconds."),
    "failure": ("The payment did not go through", "Nothing was charged. Please try another "
                "card, or contact your bank, then start the checkout again."),
    "cancel": ("Payment cancelled", "Nothing was charged. You can start again whenever you "
               "are ready."),
}


@get("/checkout/{payment_id:str}/{outcome:str}", operation_id="checkoutReturnPage",
     media_type=MediaType.HTML,
     tags=["checkout"], summary="Page shown after the hosted payment page", security=[])
async def checkout_return(payment_id: FromPath[str],
                          outcome: FromPath[Outcome],
                          verify_on_return: NamedDependency[VerifyOnReturn],
                          sandbox: NamedDependency[bool]) -> Response[Any]:
    check = BackgroundTask(_verify_quietly, verify_on_return, payment_id)
    if sandbox:
        return Redirect(f"/sandbox/payments/{quote(payment_id)}", status_code=303,
                        background=check)
    title, text = _PAGES[outcome]
    html = (f"<!doctype html><html lang=en><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width'><title>{escape(title)}</title>"
            f"<body style='font-family:sans-serif;max-width:36rem;margin:3rem auto'>"
            f"<h1 data-outcome='{escape(outcome)}'>{escape(title)}</h1><p>{escape(text)}</p>"
            f"<p>Return to the Beta Skill app to see your course.</p></body></html>")
    return Response(html, media_type=MediaType.HTML, background=check)


async def _verify_quietly(verify_on_return: VerifyOnReturn, payment_id: str) -> None:
    """The page is already sent: a gateway outage here only leaves the checker to it."""
    try:
        await verify_on_return(payment_id)
    except Exception:  # noqa: BLE001 - the callback and the checker still cover this payment
        log.warning("verify on return failed for a payment; the checker will retry")
