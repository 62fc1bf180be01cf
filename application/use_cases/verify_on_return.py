"""The student's browser came back from the hosted payment page: ask the gateway now.

The return is a second signal beside the callback, so a lost or late callback costs a
paying student nothing. The browser carries no token here, so this only *asks*: it
reveals nothing and changes a payment only through the gateway's own answer, by the
usual rules. Reloads are cheap: calls for one payment share one gateway call, and a
payment checked within `cooldown` is not asked about again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports import Clock, UnitOfWork
from application.transaction import Transactions
from application.use_cases.verify_payment import VerifyPayment
from domain.payment import Payment

RETURN_ACTOR = "system:return"
_MAX_REMEMBERED = 10_000


class VerifyOnReturn:
    def __init__(self, tx: Transactions, verify: VerifyPayment, clock: Clock,
                 cooldown: timedelta = timedelta(seconds=2)) -> None:
        self._tx, self._verify, self._clock, self._cooldown = tx, verify, clock, cooldown
        self._last: dict[str, datetime] = {}

    async def __call__(self, payment_id: str) -> Payment | None:
        if not payment_id.isprintable() or len(payment_id) > 128:
            return None  # not an id we hand out; never worth a database round trip
        now = self._clock.now()
        last = self._last.get(payment_id)
        if last is not None and now - last < self._cooldown:
            return None
        self._remember(payment_id, now)
        payment = await self._tx.run(lambda uow: _open_payment(uow, payment_id))
        if payment is None:
            return None
        return await self._verify.check_now(payment, RETURN_ACTOR)

    def _remember(self, payment_id: str, now: datetime) -> None:
        if len(self._last) >= _MAX_REMEMBERED:
            self._last = {k: v for k, v in self._last.items() if now - v < self._cooldown}
        self._last[payment_id] = now


async def _open_payment(uow: UnitOfWork, payment_id: str) -> Payment | None:
    payment = await uow.payments.get(payment_id)
    if payment is None or not payment.is_open or payment.is_held:
        return None
    return payment
