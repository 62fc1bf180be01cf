"""Who is really calling: forwarding headers are believed only from trusted proxies.

`X-Forwarded-For` is read right to left, skipping our own proxies; the first address
that is not one of them is the client. Anyone else's forwarding headers are ignored,
so a client cannot claim HTTPS or another IP by sending them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Origin:
    client_ip: str
    scheme: str


class TrustedProxies:
    def __init__(self, cidrs: Sequence[str]) -> None:
        self._networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(c, strict=False) for c in cidrs)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def resolve(self, peer: str, scheme: str, forwarded_for: str | None,
                forwarded_proto: str | None) -> Origin:
        if not self.trusts(peer):
            return Origin(peer, scheme)
        client = peer
        for hop in reversed([h.strip() for h in (forwarded_for or "").split(",") if h.strip()]):
            client = hop
            if not self.trusts(hop):
                break
        proto = (forwarded_proto or "").split(",")[0].strip().lower()
        return Origin(client, proto if proto in ("http", "https") else scheme)
