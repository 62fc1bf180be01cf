"""Where the gateway sends its callback and the student's browser after a checkout.

Made from the public URL once by the composition root, and shared by the code that asks
the gateway for a paylink (paylink_issuer.py), checks callbacks against it
(use_cases/handle_callback.py) and the preflight check of the callback route.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckoutUrls:
    """Where the gateway sends the callback and the student's browser afterwards."""

    public_url: str
    callback_path: str = "/webhooks/ikhokha"

    def callback(self) -> str:
        return self.public_url.rstrip("/") + self.callback_path

    def return_page(self, payment_id: str, outcome: str) -> str:
        return f"{self.public_url.rstrip('/')}/checkout/{payment_id}/{outcome}"
