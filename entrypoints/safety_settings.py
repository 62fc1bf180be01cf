"""The access-control part of the settings: hosts, CORS, proxies, rate limits.

The kinds of value of these variables and the hosts allowed by default; settings.py
declares the variables with them. The names are listed in docs/security.md.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator

from entrypoints.setting_types import Names, Whole, between

LOCAL_HOSTS = ("localhost", "127.0.0.1")


def _networks(cidrs: tuple[str, ...]) -> tuple[str, ...]:
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise ValueError(f"{cidr!r} is not an IP network") from None
    return cidrs


def _key_prefix(prefix: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", prefix):
        raise ValueError("must be 1-64 letters, digits or _.:-")
    return prefix


# Networks whose forwarding headers are believed, as CIDRs (a bare address is a /32).
Networks = Annotated[Names, AfterValidator(_networks)]
# Requests a minute per caller, or (for open checkouts) per student.
Count = Annotated[Whole, between(0, 100_000, "0 switches it off")]
# The start of every rate-limit key in Redis: deployments sharing one Redis differ.
KeyPrefix = Annotated[str, AfterValidator(_key_prefix)]


def default_hosts(env: str, public_url: str) -> tuple[str, ...]:
    """Production: the public host only. Development adds localhost; tests take any host.

    Litestar compares the whole Host header, port included, so both forms are listed.
    """
    if env == "test":
        return ("*",)
    url = urlsplit(public_url)
    hosts = [url.hostname or "localhost", url.netloc]
    if env != "production":
        hosts += [*LOCAL_HOSTS, *(f"{h}:{url.port}" for h in LOCAL_HOSTS if url.port)]
    return tuple(dict.fromkeys(hosts))


def local_hosts(port: int) -> tuple[str, ...]:
    """What a development server bound to `port` answers to."""
    return (*LOCAL_HOSTS, *(f"{h}:{port}" for h in LOCAL_HOSTS))
