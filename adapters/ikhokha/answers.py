"""Turn iK Pay HTTP answers into domain values, or into exactly one failure code.

Success of create = HTTP 200 AND responseCode "00" AND a paylinkUrl (docs/ikhokha.md);
anything else is a failure, never a silent success.
"""

from __future__ import annotations

from datetime import datetime

from adapters.ikhokha import protocol_points as pp
from adapters.ikhokha.failures import from_http
from adapters.ikhokha.transport import Answer
from adapters.ikhokha.wire import CreatePaylinkResponse, StatusResponse, convert, decode_json
from application.ports import Paylink
from domain.classification import ClassifiedFailure
from domain.errors import InvalidMoney
from domain.gateway_report import GatewayReport
from domain.money import Money


def _fail_unless_ok(answer: Answer) -> None:
    if answer.status != 200:
        try:
            body = decode_json(answer.body) if answer.body else None
        except ClassifiedFailure:
            body = None
        raise from_http(answer.status, answer.headers, body)


def paylink(answer: Answer, payment_id: str, now: datetime) -> Paylink:
    _fail_unless_ok(answer)
    created = convert(decode_json(answer.body), CreatePaylinkResponse)
    if created.responseCode != pp.SUCCESS_RESPONSE_CODE:
        raise ClassifiedFailure("gateway_rejected_request",
                                f"responseCode {created.responseCode!r}")
    if not created.paylinkUrl or not created.paylinkID:
        raise ClassifiedFailure("gateway_malformed_response", "success without paylink")
    echoed = created.externalTransactionID
    if echoed is not None and echoed != payment_id:
        raise ClassifiedFailure("gateway_contradictory_response",
                                "paylink answered for another externalTransactionID")
    return Paylink(created.paylinkID, created.paylinkUrl, now + pp.PAYLINK_LIFETIME)


def reported_amount(item: StatusResponse) -> Money | None:
    """The amount a status or history item reports, or None when it names none.

    No currency means ZAR (pp.STATUS_DEFAULT_CURRENCY). No amount stays None: the
    domain does not take a SUCCESS without an amount as a confirmation."""
    if item.amount is None:
        return None
    currency = pp.STATUS_DEFAULT_CURRENCY if item.currency is None else item.currency
    try:
        return Money(item.amount, currency)
    except InvalidMoney:
        raise ClassifiedFailure("gateway_malformed_response", "amount not valid") from None


def report(item: StatusResponse) -> GatewayReport:
    amount = reported_amount(item)
    return GatewayReport(paylink_id=item.paylinkID, status=pp.map_status(item.status),
                         external_transaction_id=item.externalTransactionID, amount=amount)


def status(answer: Answer, paylink_id: str) -> GatewayReport | None:
    if answer.status in pp.STATUS_UNKNOWN_HTTP_STATUSES:
        return None
    _fail_unless_ok(answer)
    item = convert(decode_json(answer.body), StatusResponse)
    if item.paylinkID != paylink_id:
        raise ClassifiedFailure("gateway_contradictory_response", "status of another paylink")
    return report(item)


def history(answer: Answer) -> list[GatewayReport]:
    _fail_unless_ok(answer)
    data = decode_json(answer.body)
    if isinstance(data, dict):
        lists = [data[k] for k in pp.HISTORY_LIST_KEYS if isinstance(data.get(k), list)]
        data = lists[0] if lists else None
    return [report(item) for item in convert(data, list[StatusResponse])]
