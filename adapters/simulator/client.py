"""A small client for the simulator's /_sim controls, for tests and the sandbox CLI."""

from __future__ import annotations

from typing import Any

import aiohttp


class SimulatorControl:
    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self._base = base_url.rstrip("/")
        self._session = session

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        async with self._session.post(self._base + path, json=payload) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 400:
                raise RuntimeError(f"simulator refused {path}: {resp.status} {data}")
            return data

    async def state(self) -> dict[str, Any]:
        async with self._session.get(self._base + "/_sim/state") as resp:
            return await resp.json()  # type: ignore[no-any-return]

    async def set_faults(self, **faults: Any) -> dict[str, Any]:
        """e.g. set_faults(script={"create": [{"kind": "error", "status": 503}]})."""
        return await self._post("/_sim/faults", faults)  # type: ignore[no-any-return]

    async def fail_next(self, endpoint: str, times: int, status: int = 503,
                        retry_after: str | None = None) -> None:
        action: dict[str, Any] = {"kind": "error", "status": status}
        if retry_after is not None:
            action["retry_after"] = retry_after
        await self.set_faults(script={endpoint: [action] * times})

    async def settle(self, paylink_id: str, outcome: str) -> dict[str, Any]:
        """Exactly what clicking the checkout button does (the callback is sent)."""
        return await self._post(f"/_sim/paylinks/{paylink_id}/settle",  # type: ignore[no-any-return]
                                {"outcome": outcome})

    async def tamper(self, paylink_id: str, amount: int) -> dict[str, Any]:
        """Make the gateway report `amount` (cents) for this paylink from now on."""
        return await self._post(f"/_sim/paylinks/{paylink_id}/tamper",  # type: ignore[no-any-return]
                                {"amount": amount})

    async def flush_callbacks(self) -> int:
        return int((await self._post("/_sim/callbacks/flush", {}))["sent"])

    async def requests(self, endpoint: str) -> int:
        return int((await self.state())["requests"].get(endpoint, 0))
