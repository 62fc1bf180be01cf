"""The refund section of the operator's payment page: the refund form (amount in cents,
a required reason, an idempotency key rendered into the form) and each refund, with the
form that confirms a manual refund by iKhokha's reference. The forms post to the
routes in admin_refund_actions.py.
"""

from __future__ import annotations

from html import escape

from domain.payment import Payment
from domain.refund import Refund, RefundStatus
from entrypoints.http.admin_html import fact


def refund_form(p: Payment, key: str) -> str:
    left = p.refundable
    if left.is_zero():
        return ('<p id="refund-none">Nothing is refundable: nothing captured, or everything '
                'already refunded or reserved by a refund in flight.</p>')
    pid = escape(p.id)
    return (
        '<form id="refund-form" method="post" action="/admin/payment/refund">'
        f'<input type="hidden" name="payment_id" value="{pid}">'
        f'<input type="hidden" name="key" value="{escape(key)}">'
        '<div class="field"><label for="refund-amount">Amount in cents (integer; '
        f'refundable now: {escape(str(left))} = {left.amount_minor} cents)</label>'
        f'<input id="refund-amount" name="amount_minor" type="number" min="1" '
        f'max="{left.amount_minor}" step="1" value="{left.amount_minor}" required></div>'
        '<div class="field"><label for="refund-reason">Reason (required; kept in the audit '
        'trail and sent with the refund)</label>'
        '<textarea id="refund-reason" name="reason" rows="2" maxlength="500" required '
        'placeholder="e.g. student cancelled within the cooling-off period"></textarea></div>'
        '<div class="actions"><button type="submit" class="danger" id="refund-go">'
        'Refund</button></div>'
        '<p class="hint">With iKhokha a refund is made by hand in the iKhokha dashboard: the '
        'amount is reserved here, then confirm it below with iKhokha\'s reference.</p></form>')


def refund_item(r: Refund) -> str:
    rid = escape(r.id)
    facts = "".join([
        fact("Refund", r.id, "payment-id"),
        fact("Amount", str(r.amount)),
        fact("Status", r.status.value.replace("_", " "), "status"),
        fact("Requested (UTC)", f"{r.created_at:%Y-%m-%d %H:%M}"),
        fact("iKhokha reference", r.gateway_reference or "—"),
        fact("Reason", r.reason, "why"),
    ])
    confirm = ""
    if r.status is RefundStatus.MANUAL_ACTION_REQUIRED:
        confirm = (
            f'<form class="confirm" method="post" action="/admin/payment/confirm-refund">'
            f'<input type="hidden" name="refund_id" value="{rid}">'
            f'<input type="hidden" name="payment_id" value="{escape(r.payment_id)}">'
            f'<div class="field"><label for="ref-{rid}">iKhokha refund reference (required, '
            f'from the iKhokha dashboard)</label>'
            f'<input id="ref-{rid}" name="gateway_reference" maxlength="128" required '
            f'autocomplete="off"></div><div class="actions">'
            f'<button type="submit" class="primary">Confirm refund made</button></div></form>')
    return f'<li class="refund" data-refund-id="{rid}"><dl class="facts">{facts}</dl>{confirm}</li>'


def refund_list(refunds: list[Refund]) -> str:
    return ('<p id="refunds-none">No refunds.</p>' if not refunds else
            f'<ul id="refunds" class="timeline">'
            f'{"".join(refund_item(r) for r in refunds)}</ul>')
