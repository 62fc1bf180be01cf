"""The signed-in demo student's own payments: "My payments" (newest first), a printable
receipt per paid payment, and the next step a status page offers for each outcome.

Every read goes through the same use-cases and ownership checks as the API: the list is
`ListPayments` with the student's actor (which only ever lists their own), and a receipt
starts with `GetPayment` with that actor, so another student's payment looks missing.
"""

from __future__ import annotations

from html import escape

from application.actor import Actor, Role
from application.errors import StorageUnavailable
from application.student_messages import student_message
from application.use_cases.payment_queries import ListPaymentsQuery
from domain.classification import ClassifiedFailure
from domain.money import Money
from domain.payment import CAPTURED, CLOSED_UNPAID, OPEN, Payment, PaymentStatus
from domain.refund import Refund, RefundStatus
from entrypoints.container import Container
from entrypoints.http.sandbox.demo import SandboxDemo
from entrypoints.http.sandbox.html import STATUS_WORDS, TONE, rand, when

MERCHANT = "Beta Skill"
MANUAL_REFUND = (
    "With iKhokha a refund is not sent automatically. A Beta Skill operator refunds the "
    "money in the iKhokha dashboard and then confirms it here. Until that is done the "
    "refund shows as \u201cmanual action required\u201d and nothing has reached your card yet.")


def status_key(payment: Payment) -> str:
    """`held` for a payment waiting for an admin, else its status."""
    if payment.is_held and payment.status not in (PaymentStatus.REFUNDED,
                                                  PaymentStatus.PARTIALLY_REFUNDED):
        return "held"
    return payment.status.value


REFUND_WORDS = {"pending": "Processing", "manual_action_required": "Manual action required",
                "succeeded": "Refunded", "failed": "Not refunded"}


def badge(key: str, words: dict[str, str] = STATUS_WORDS) -> str:
    return (f"<span class='badge {TONE.get(key, 'bad')}' data-status='{escape(key)}'>"
            f"{escape(words.get(key, key))}</span>")


def course_title(demo: SandboxDemo, course_id: str) -> str:
    course = demo.course(course_id)
    return course.title if course else course_id


async def my_payments(container: Container, sub: str) -> list[Payment]:
    listed = await container.list_payments()(
        ListPaymentsQuery(actor=Actor(sub, Role.STUDENT), limit=100))
    return sorted(listed.items, key=lambda p: (p.created_at, p.id), reverse=True)


async def own_refunds(container: Container, payment: Payment) -> list[Refund]:
    """Refunds of a payment the caller already read through `GetPayment` (owned)."""
    found = await container.tx().run(lambda uow: uow.refunds.for_payment(payment.id))
    mine = [r for r in found if r.student_id == payment.student_id]
    return sorted(mine, key=lambda r: (r.created_at, r.id))


async def course_of(container: Container, actor: Actor, payment: Payment) -> str:
    try:
        return (await container.get_enrollment()(actor, payment.enrollment_id)).course_id
    except StorageUnavailable:  # an outage shows the 503 page, not a refusal
        raise
    except ClassifiedFailure:
        return ""


def payments_list(demo: SandboxDemo, rows: list[tuple[Payment, str]]) -> str:
    if not rows:
        return ("<h2>My payments</h2><div class=card><p>You have not paid for anything yet."
                "</p><a class=button href='/sandbox'>Browse courses</a></div>")
    items = []
    for payment, course_id in rows:
        pid = escape(payment.id)
        receipt = (f"<a class='button secondary receipt' href='/sandbox/payments/{pid}/receipt'>"
                   "Receipt</a>" if payment.status in CAPTURED else "")
        items.append(
            f"<li class=card data-payment='{pid}' data-status='{payment.status.value}'>"
            f"<div class=row><h2>{escape(course_title(demo, course_id))}</h2>"
            f"<span class=amount>{escape(rand(payment.amount))}</span></div>"
            f"<div class=row><span class=muted>{escape(when(payment.created_at))}</span>"
            f"{badge(status_key(payment))}</div>"
            f"<p class=message>{escape(student_message(payment))}</p>"
            f"<p><a class=details href='/sandbox/payments/{pid}'>Payment details</a> "
            f"{receipt}</p></li>")
    return f"<h2>My payments</h2><ul class=payments>{''.join(items)}</ul>"


def _money_row(label: str, money: Money, cls: str) -> str:
    return f"<dt>{escape(label)}</dt><dd class={cls}>{escape(rand(money))}</dd>"


def receipt(demo: SandboxDemo, payment: Payment, course_id: str,
            refunds: list[Refund]) -> str:
    counted = [r for r in refunds if r.status is not RefundStatus.FAILED]
    refund_rows = "".join(
        f"<tr data-refund='{escape(r.id)}'><td>{escape(rand(r.amount))}</td>"
        f"<td>{badge(r.status.value, REFUND_WORDS)}</td><td>{escape(when(r.created_at))}</td></tr>"
        for r in refunds)
    refund_table = (f"<h3>Refunds</h3><table class=refunds><tr><th>Amount</th><th>Status</th>"
                    f"<th>Date</th></tr>{refund_rows}</table>" if refunds
                    else "<p class=muted>No refunds.</p>")
    manual = (f"<p class='wait manual'>{escape(MANUAL_REFUND)}</p>"
              if any(r.status is RefundStatus.MANUAL_ACTION_REQUIRED for r in counted) else "")
    pid = escape(payment.id)
    return (
        f"<article class='card receipt' data-payment='{pid}'>"
        f"<h2>Receipt</h2>"
        f"<dl class=facts><dt>Merchant</dt><dd class=merchant>{escape(MERCHANT)}</dd>"
        f"<dt>Course</dt><dd class=course>{escape(course_title(demo, course_id))}</dd>"
        f"{_money_row('Amount', payment.amount, 'amount')}"
        f"<dt>Date</dt><dd class=date>{escape(when(payment.created_at))}</dd>"
        f"<dt>Status</dt><dd>{badge(payment.status.value)}</dd>"
        f"<dt>Payment id (transaction reference)</dt><dd><code class=payment-id>{pid}</code></dd>"
        f"<dt>iKhokha paylink reference</dt><dd><code class=gateway-reference>"
        f"{escape(payment.paylink_id or '-')}</code></dd>"
        f"{_money_row('Captured', payment.captured, 'captured')}"
        f"{_money_row('Refunded', payment.refunded, 'refunded')}</dl>"
        f"{refund_table}{manual}"
        f"<p class=no-print><a class=button href='/sandbox/payments/{pid}'>Payment details</a> "
        f"<a class='button secondary' href='/sandbox/payments'>My payments</a></p>"
        f"<p class='muted no-print'>To print or save this receipt as a PDF, use your browser's "
        f"Print command; the page prints without the menus.</p></article>")


def next_step(payment: Payment, course_id: str, refunds: list[Refund], *,
              owned: bool) -> str:
    """What the student can do now, for every outcome of a payment."""
    key = status_key(payment)
    cid, pid = escape(course_id), escape(payment.id)
    if key == "held":
        step = ("<h3>What happens next</h3><p>We are checking this payment with iKhokha. "
                "<b>Do not pay again.</b> An administrator looks at it: if the payment is "
                "confirmed your course unlocks and this page updates by itself; if not, any "
                "money taken is refunded to your card. Support will contact you if they need "
                "anything.</p>")
    elif payment.status in OPEN:
        url = payment.checkout_url or ""
        link = (f"<a class='button next' href='{escape(url)}'>Return to payment</a>"
                if url.startswith(("https://", "http://")) else "")
        step = (f"<h3>Finish paying</h3><p>Your payment is not complete yet.</p>{link}"
                "<p class=muted>This page updates by itself once iKhokha tells us the "
                "outcome; there is no need to refresh.</p>")
    elif payment.status in CLOSED_UNPAID:
        step = ("<h3>Try again</h3><p>No money was taken for this attempt.</p>"
                f"<form method=post action='/sandbox/buy/{cid}'>"
                "<button type=submit class=next>Try again</button></form>")
    else:
        open_course = (f"<a class='button owned next' href='/sandbox/courses/{cid}'>"
                       "Open course</a> " if owned else "")
        step = (f"<h3>You're all set</h3><p>{open_course}"
                f"<a class='button secondary receipt' href='/sandbox/payments/{pid}/receipt'>"
                "View receipt</a></p>")
    if refunds:
        latest = refunds[-1]
        step += (f"<h3>Your refund</h3><p class=refund-state>Refund of "
                 f"{escape(rand(latest.amount))}: {badge(latest.status.value, REFUND_WORDS)}</p>")
        if latest.status is RefundStatus.MANUAL_ACTION_REQUIRED:
            step += f"<p class=manual>{escape(MANUAL_REFUND)}</p>"
        elif latest.status is RefundStatus.SUCCEEDED:
            step += ("<p>The refund was made in iKhokha and confirmed. Your bank may take a "
                     "few working days to show it on your statement.</p>")
    return f"<section class='card next-step' data-next='{escape(key)}'>{step}</section>"
