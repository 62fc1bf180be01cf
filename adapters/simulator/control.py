"""Test and operator controls under /_sim (bind the simulator to localhost only).

GET /_sim/state, POST /_sim/faults, POST /_sim/paylinks/{id}/settle,
POST /_sim/paylinks/{id}/tamper, POST /_sim/callbacks/flush, and the optional refund
extension POST /_sim/refunds.
"""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from adapters.simulator.api import STATE_KEY, authorised, problem
from adapters.simulator.callbacks import flush_held
from adapters.simulator.settle import SettleError, settle


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        data = msgspec.json.decode(await request.read() or b"{}")
    except msgspec.DecodeError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return data


async def get_state(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].snapshot())


async def set_faults(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        state.set_faults(await _json(request))
    except msgspec.ValidationError as exc:
        return problem(400, f"invalid faults: {exc}")
    return web.json_response(state.snapshot()["faults"])


async def settle_paylink(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    outcome = str((await _json(request)).get("outcome", ""))
    try:
        link, redirect = await settle(state, request.match_info["paylink_id"], outcome)
    except SettleError as exc:
        return problem(exc.status, str(exc))
    return web.json_response({"paylinkID": link.paylink_id, "status": link.status,
                              "redirect": redirect})


async def tamper_paylink(request: web.Request) -> web.Response:
    """Test-only: make the gateway report another amount for a paylink (status, history),
    as a tampered or mis-keyed transaction would look to reconciliation."""
    state = request.app[STATE_KEY]
    link = state.paylinks.get(request.match_info["paylink_id"])
    amount = (await _json(request)).get("amount")
    if link is None:
        return problem(404, "paylink not found")
    if type(amount) is not int or amount <= 0:
        return problem(422, "amount must be a positive integer (cents)")
    link.amount = amount
    return web.json_response(link.as_status())


async def flush_callbacks(request: web.Request) -> web.Response:
    return web.json_response({"sent": await flush_held(request.app[STATE_KEY])})


async def refund(request: web.Request) -> web.Response:
    """Extension iKhokha does not have; off unless `refunds_enabled`. Signed like the API."""
    state = request.app[STATE_KEY]
    raw = await request.read()
    if not state.config.refunds_enabled:
        return problem(404, "refunds are not part of the iK Pay API")
    if not authorised(state, request, raw):
        return problem(401, "invalid IK-APPID or IK-SIGN")
    data = await _json(request)
    link = state.paylinks.get(str(data.get("paylinkID", "")))
    amount = data.get("amount")
    if link is None or link.status != "SUCCESS":
        return problem(409, "only a paid paylink can be refunded")
    if type(amount) is not int or not 0 < amount <= link.amount - link.refunded:
        return problem(422, "amount must be a positive integer within what is left")
    link.refunded += amount
    entry = {"refundID": f"simr{len(state.refunds) + 1:011d}", "paylinkID": link.paylink_id,
             "amount": amount, "status": "COMPLETED"}
    state.refunds.append(entry)
    return web.json_response(entry)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_sim/state", get_state)
    app.router.add_post("/_sim/faults", set_faults)
    app.router.add_post("/_sim/paylinks/{paylink_id}/settle", settle_paylink)
    app.router.add_post("/_sim/callbacks/flush", flush_callbacks)
    app.router.add_post("/_sim/paylinks/{paylink_id}/tamper", tamper_paylink)
    app.router.add_post("/_sim/refunds", refund)
