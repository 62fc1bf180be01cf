"""Signed callbacks from the simulator to the merchant, with delivery faults.

Signed like iKhokha: IK-SIGN over (callback URL path + the COMPACT JSON of the signed
members: no spaces, UTF-8 kept, "/" unescaped), whatever is sent. With `callback_text`
an unsigned human-readable `text` member is added after signing, as some iKhokha
callbacks are reported to carry. `callback_format` changes only how the body is
written ("pretty": indent 2; "escaped": \\uXXXX for non-ASCII and "\\/" for "/"), so a
receiver that checks only the raw body refuses those and one that also checks the
compact re-serialisation accepts them. Every attempt is logged in the state (body and
headers included) so tests can replay a genuine callback.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from adapters.simulator.signing import ik_sign
from adapters.simulator.state import SimPaylink, SimState

CALLBACK_STATUS = {"SUCCESS": "SUCCESS"}  # anything else is reported as FAILURE
_PROSE = {"SUCCESS": "successful", "FAILURE": "declined", "CANCELLED": "cancelled"}


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def written(data: dict[str, Any], callback_format: str) -> bytes:
    """The body bytes in one of the formats of the `callback_format` knob."""
    if callback_format == "pretty":
        text = json.dumps(data, indent=2, ensure_ascii=False)
    elif callback_format == "escaped":
        # "/" occurs only inside JSON strings, where "\/" is a legal escape of it.
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")
    else:
        text = _compact(data)
    return text.encode("utf-8")


def prose(link: SimPaylink) -> str:
    """The unsigned `text`, with a non-ASCII dash so an escaped body shows \\u2013."""
    word = _PROSE.get(link.status, link.status.lower())
    return f"Payment {word} \u2013 R{link.amount // 100}.{link.amount % 100:02d}"


def signed_callback(state: SimState, link: SimPaylink) -> tuple[str, bytes, dict[str, str]]:
    """(url, body, headers) of the callback for the paylink's current status."""
    url = link.urls["callbackUrl"]
    signed: dict[str, Any] = {"paylinkID": link.paylink_id,
                              "status": CALLBACK_STATUS.get(link.status, "FAILURE"),
                              "externalTransactionID": link.external_id, "responseCode": "00"}
    headers = {"ik-appid": state.config.app_id,
               "ik-sign": ik_sign(state.config.callback_secret, urlsplit(url).path,
                                  _compact(signed)),
               "Content-Type": "application/json"}
    sent = {**signed, "text": prose(link)} if state.faults.callback_text else signed
    return url, written(sent, state.faults.callback_format), headers


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
