import pytest

from entrypoints.http.forwarded import TrustedProxies
from entrypoints.http.https_only import https_only_middleware

pytestmark = pytest.mark.unit


def test_forwarding_headers_are_believed_only_from_trusted_proxies():
    proxies = TrustedProxies(["10.0.0.0/8", "2001:db8::/32"])
    untrusted = proxies.resolve("203.0.113.9", "http", "1.2.3.4", "https")
    assert (untrusted.client_ip, untrusted.scheme) == ("203.0.113.9", "http")
    trusted = proxies.resolve("10.1.2.3", "http", "198.51.100.7, 10.0.0.2", "https")
    assert (trusted.client_ip, trusted.scheme) == ("198.51.100.7", "https")
    spoofed = proxies.resolve("10.1.2.3", "http", "6.6.6.6, 198.51.100.7", "https")
    assert spoofed.client_ip == "198.51.100.7"  # the client's own X-Forwarded-For is skipped
    assert proxies.resolve("2001:db8::1", "http", None, "HTTPS").scheme == "https"
    assert proxies.resolve("testclient", "http", "1.1.1.1", "https").scheme == "http"
    assert proxies.resolve("10.1.2.3", "http", None, "gopher").scheme == "http"


async def _call(middleware, client, headers, path="/api/v1/payments"):
    sent, reached = [], []

    async def app(scope, receive, send):
        reached.append(scope["state"]["client_ip"])

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "scheme": "http", "client": (client, 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    await middleware(app)(scope, None, send)
    return (sent[0]["status"] if sent else None), reached


async def test_https_required_honours_a_trusted_proxys_proto_only():
    middleware = https_only_middleware(True, TrustedProxies(["10.0.0.0/8"]))
    via_proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    assert await _call(middleware, "10.0.0.5", via_proxy) == (None, ["198.51.100.7"])
    assert (await _call(middleware, "203.0.113.9", via_proxy))[0] == 403
    assert (await _call(middleware, "10.0.0.5", {}))[0] == 403
    assert await _call(middleware, "10.0.0.5", {}, "/health/ready") == (None, ["10.0.0.5"])


async def test_plain_websockets_are_closed_when_https_is_required():
    sent = []

    async def app(scope, receive, send):
        raise AssertionError("must not reach the app")

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/api/v1/events/ws", "scheme": "ws",
             "client": ("203.0.113.9", 5000), "headers": []}
    await https_only_middleware(True, TrustedProxies([]))(app)(scope, None, send)
    assert sent == [{"type": "websocket.close", "code": 1008}]
