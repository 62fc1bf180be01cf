"""Preflight: can iK Pay reach our callback URL, and do our stores answer?

The callback URL is SKILLPAY_PUBLIC_URL + /webhooks/ikhokha. It must be HTTPS and
public (every address its host resolves to is a global one), and the same origin must
answer our health route, GET /health/live, with a certificate this machine trusts.
Outside production a private or plain-HTTP URL is a warning, not a failure: a rehearsal
on one machine has no public address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import aiohttp

from application.checkout_urls import CheckoutUrls
from entrypoints.preflight_checks import Line
from entrypoints.readiness import Readiness
from entrypoints.settings import Settings

HEALTH_PATH = "/health/live"
HEALTH_TIMEOUT_S = 10.0


async def _not_public(host: str, port: int) -> str | None:
    """Why `host` is not reachable from the internet, or None when it is."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)
    except OSError:
        return f"{host} does not resolve"
    private = sorted({str(info[4][0]) for info in infos
                      if not ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_global})
    return f"{host} resolves to non-public {', '.join(private)}" if private else None


async def _health(public_url: str) -> str | None:
    """None when the health route answers 200; otherwise what went wrong."""
    url = public_url.rstrip("/") + HEALTH_PATH
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session, \
                session.get(url, allow_redirects=False,
                            timeout=aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_S)) as resp:
            if resp.status != 200:
                return f"GET {url} answered HTTP {resp.status}, not 200"
    except aiohttp.ClientConnectorCertificateError:
        return f"GET {url}: the TLS certificate is not trusted"
    except (aiohttp.ClientError, OSError, TimeoutError) as failure:
        return f"GET {url} failed ({type(failure).__name__})"
    return None


async def check_callback(settings: Settings) -> list[Line]:
    callback = CheckoutUrls(settings.public_url).callback()
    parts = urlsplit(callback)
    lines: list[Line] = []
    problems = [] if parts.scheme == "https" else [f"{parts.scheme or 'no scheme'}, not HTTPS"]
    if parts.hostname:
        reason = await _not_public(parts.hostname, parts.port or 443)
        problems += [reason] if reason else []
    else:
        problems.append("no host name")
    if problems:
        status = "FAIL" if settings.is_production else "warn"
        note = "" if settings.is_production else " (allowed outside production only)"
        lines.append(Line("callback", status, f"{callback} is not public HTTPS: "
                                              f"{'; '.join(problems)}{note}"))
    failure = await _health(settings.public_url) if parts.hostname else "no host to ask"
    if failure:
        lines.append(Line("callback", "FAIL", f"our health route does not answer: {failure}; "
                                              "check SKILLPAY_PUBLIC_URL and the load balancer"))
    elif not problems:
        lines.append(Line("callback", "ok", f"{callback} is public HTTPS and answers "
                                            f"{HEALTH_PATH}"))
    else:
        lines.append(Line("callback", "ok", f"{settings.public_url}{HEALTH_PATH} answers"))
    return lines


async def check_stores(settings: Settings) -> list[Line]:
    """The database at this release's revision, and Redis when REDIS_URL is set."""
    checks = await Readiness(settings, None)()
    fixes = {"database": "run `skillpay migrate upgrade` or check SKILLPAY_DATABASE_URL",
             "redis": "check REDIS_URL"}
    return [Line(c.name, "ok" if c.ok else "FAIL",
                 c.detail if c.ok else f"{c.detail}; {fixes.get(c.name, '')}".rstrip("; "))
            for c in checks]
