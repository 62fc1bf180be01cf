"""The HTTP security layer, assembled from settings in one place for the app factory.

Middleware order (outermost first): request id, security headers, HTTPS + trusted
proxies, hostile paths and queries, rate limits, card-data guard (and JSON depth); then
Litestar's handlers. Allowed hosts and CORS
use Litestar's own configs, set explicitly (CORS is off unless origins are listed).
"""

from __future__ import annotations

from typing import Any

from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.cors import CORSConfig

from entrypoints.container import Container
from entrypoints.http.card_data_guard import card_data_guard_middleware
from entrypoints.http.forwarded import TrustedProxies
from entrypoints.http.hostile_input import hostile_input_middleware
from entrypoints.http.https_only import PROBE_PATHS, https_only_middleware
from entrypoints.http.rate_limits import rate_limit_middleware
from entrypoints.http.request_id import request_id_middleware
from entrypoints.http.security_headers import security_headers_middleware

CORS_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"]


def security_options(container: Container, max_body: int) -> dict[str, Any]:
    """Keyword arguments for `Litestar(...)`. The rate limits are the container's (the
    webhook handler gets the same ones injected; the app's lifespan closes them)."""
    s = container.settings()
    options: dict[str, Any] = {
        "middleware": [
            request_id_middleware,
            security_headers_middleware(s.require_https),
            https_only_middleware(s.require_https, TrustedProxies(s.trusted_proxies)),
            hostile_input_middleware,
            rate_limit_middleware(container.rate_limits()),
            card_data_guard_middleware(max_body),
        ],
        # Logging is ours (entrypoints/logging_setup.py: structlog, every line redacted);
        # Litestar's default config would replace the root logger's handlers.
        "logging_config": None,
        # Load balancers and Prometheus call health and metrics by IP: no Host check there.
        "allowed_hosts": AllowedHostsConfig(allowed_hosts=list(s.allowed_hosts),
                                            www_redirect=False, exclude=list(PROBE_PATHS)),
    }
    if s.cors_origins:
        options["cors_config"] = CORSConfig(
            allow_origins=list(s.cors_origins), allow_credentials=False,
            allow_methods=["GET", "POST"], allow_headers=CORS_HEADERS,
            expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
    return options
