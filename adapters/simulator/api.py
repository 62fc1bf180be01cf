"""The iK Pay look-alike endpoints under /public-api/v1/api.

Every request must carry IK-APPID and a valid IK-SIGN over (path + raw body); a bad
one is answered 401 like a gateway refusing our credentials, saying which of the two
it refused ("unknown IK-APPID" or "invalid IK-SIGN"). Signing and the create
body are the simulator's own (signing.py, orders.py): nothing here imports the adapter
it is a test double for.
"""

from __future__ import annotations

from datetime import date, datetime

from aiohttp import web

from adapters.simulator.answers import status_item
from adapters.simulator.faults import faulted_answer
from adapters.simulator.orders import read_order
from adapters.simulator.signing import ik_sign_ok
from adapters.simulator.state import SimPaylink, SimState

API_PREFIX = "/public-api/v1/api"
STATE_KEY = web.AppKey("sim_state", SimState)


def problem(status: int, message: str) -> web.Response:
    return web.json_response({"responseCode": "99", "message": message}, status=status)


UNKNOWN_APP_ID, BAD_SIGNATURE = "unknown IK-APPID", "invalid IK-SIGN"


def refusal(state: SimState, request: web.Request, raw: bytes) -> str | None:
    """Why these credentials are refused, or None when the request is signed right."""
    if request.headers.get("IK-APPID", "") != state.config.app_id:
        return UNKNOWN_APP_ID
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_SIGNATURE
    if not ik_sign_ok(state.config.app_secret, request.rel_url.raw_path, body,
                      request.headers.get("IK-SIGN", "")):
        return BAD_SIGNATURE
    return None


def authorised(state: SimState, request: web.Request, raw: bytes) -> bool:
    return refusal(state, request, raw) is None


async def _guard(request: web.Request, endpoint: str) -> tuple[SimState, bytes,
                                                                 web.StreamResponse | None]:
    state = request.app[STATE_KEY]
    answer = await faulted_answer(state, endpoint, request)
    raw = await request.read()
    refused = refusal(state, request, raw) if answer is None else None
    if refused is not None:
        answer = problem(401, refused)
    return state, raw, answer


async def create_payment(request: web.Request) -> web.StreamResponse:
    state, raw, answer = await _guard(request, "create")
    if answer is not None:
        return answer
    try:
        body = read_order(raw, state.config.app_id)
    except ValueError as exc:
        return problem(400, str(exc))
    existing = state.by_external.get(body.externalTransactionID)
    if existing is None:
        existing = state.new_paylink_id()
        state.paylinks[existing] = SimPaylink(
            existing, body.externalTransactionID, body.amount, body.currency, body.description,
            {"callbackUrl": body.urls.callbackUrl, "successPageUrl": body.urls.successPageUrl,
             "failurePageUrl": body.urls.failurePageUrl, "cancelUrl": body.urls.cancelUrl},
            state.config.clock())
        state.by_external[body.externalTransactionID] = existing
    base = state.config.public_url or str(request.url.origin())
    return web.json_response({"responseCode": "00", "message": "Success",
                              "paylinkUrl": f"{base.rstrip('/')}/checkout/{existing}",
                              "paylinkID": existing,
                              "externalTransactionID": body.externalTransactionID})


async def get_status(request: web.Request) -> web.StreamResponse:
    state, _raw, answer = await _guard(request, "status")
    if answer is not None:
        return answer
    paylink_id = request.match_info["paylink_id"]
    if paylink_id == "external":
        paylink_id = state.by_external.get(request.query.get("externalReference", ""), "")
    link = state.paylinks.get(paylink_id)
    if link is None:
        return problem(404, "paylink not found")
    return web.json_response(status_item(state, link))


def _day(text: str) -> date:
    return datetime.strptime(text, "%Y-%m-%d").date()


async def history(request: web.Request) -> web.StreamResponse:
    state, _raw, answer = await _guard(request, "history")
    if answer is not None:
        return answer
    try:
        start = _day(request.query["startDate"])
        end = _day(request.query["endDate"])
    except (KeyError, ValueError):
        return problem(400, "startDate and endDate must be YYYY-MM-DD")
    return web.json_response([status_item(state, link) for link in state.paylinks.values()
                              if start <= link.created_at.date() <= end])


def add_routes(app: web.Application) -> None:
    app.router.add_post(f"{API_PREFIX}/payment", create_payment)
    app.router.add_get(f"{API_PREFIX}/getStatus/{{paylink_id}}", get_status)
    app.router.add_get(f"{API_PREFIX}/payments/history", history)
