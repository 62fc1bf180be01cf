"""Signed callbacks from the simulator to the merchant, with delivery faults.

Signed like iKhokha: IK-SIGN over (callback URL path + compact body). With
`callback_text` an unsigned human-readable `text` member is added after signing, as
some iKhokha callbacks are reported to carry. Every attempt is logged in the state
(body and headers included) so tests can replay a genuine callback.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from adapters.ikhokha.signing import sign
from adapters.simulator.state import SimPaylink, SimState

CALLBACK_STATUS = {"SUCCESS": "SUCCESS"}  # anything else is reported as FAILURE


def signed_callback(state: SimState, link: SimPaylink) -> tuple[str, bytes, dict[str, str]]:
    """(url, body, headers) of the callback for the paylink's current status."""
    url = link.urls["callbackUrl"]
    signed: dict[str, Any] = {"paylinkID": link.paylink_id,
                              "status": CALLBACK_STATUS.get(link.status, "FAILURE"),
                              "externalTransactionID": link.external_id, "responseCode": "00"}
    compact = json.dumps(signed, separators=(",", ":"), ensure_ascii=False)
    headers = {"ik-appid": state.config.app_id,
               "ik-sign": sign(state.config.callback_secret, urlsplit(url).path, compact),
               "Content-Type": "application/json"}
    sent = signed
    if state.faults.callback_text:
        sent = {**signed, "text": f"Payment {link.status.lower()} for {link.external_id}"}
    body = json.dumps(sent, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return url, body, headers


async def _post(state: SimState, link: SimPaylink) -> None:
    url, body, headers = signed_callback(state, link)
    entry: dict[str, Any] = {"paylinkID": link.paylink_id, "url": url, "body": body.decode(),
                             "headers": headers, "delivered": False, "http_status": None}
    state.callbacks.append(entry)
    try:
        timeout = aiohttp.ClientTimeout(total=state.config.callback_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.post(
                url, data=body, headers=headers, allow_redirects=False) as resp:
            entry["http_status"] = resp.status
            entry["delivered"] = 200 <= resp.status < 300
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        entry["error"] = type(exc).__name__


async def _delayed(state: SimState, link: SimPaylink, delay_s: float) -> None:
    await asyncio.sleep(delay_s)
    await _post(state, link)


async def send_callback(state: SimState, link: SimPaylink) -> None:
    """Deliver (or drop / duplicate / delay / hold for reordering) one callback."""
    faults = state.faults
    if faults.callback_drop:
        state.callbacks.append({"paylinkID": link.paylink_id, "dropped": True})
        return
    if faults.callback_reorder:
        state.held_callbacks.append(link)
        return
    copies = 2 if faults.callback_duplicate else 1
    for _ in range(copies):
        if faults.callback_delay_ms:
            task = asyncio.create_task(_delayed(state, link, faults.callback_delay_ms / 1000))
            state.tasks.add(task)
            task.add_done_callback(state.tasks.discard)
        else:
            await _post(state, link)


async def flush_held(state: SimState) -> int:
    """Send held callbacks newest first (out of order), return how many."""
    held, state.held_callbacks = state.held_callbacks, []
    for link in reversed(held):
        await _post(state, link)
    return len(held)
