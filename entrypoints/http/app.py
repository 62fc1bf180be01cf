"""The Litestar application factory."""

from __future__ import annotations

from functools import partial

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from entrypoints.container import Container
from entrypoints.http.auth import TokenCodec
from entrypoints.http.controllers.enrollments import EnrollmentController
from entrypoints.http.controllers.health import live, ready
from entrypoints.http.controllers.payments import PaymentController
from entrypoints.http.controllers.return_pages import checkout_return
from entrypoints.http.controllers.webhooks import ikhokha_callback
from entrypoints.http.dependencies import ContainerPlugin
from entrypoints.http.problems import handle_exception

MAX_BODY = 1024 * 1024


async def _close_gateway(container: Container, *_: object) -> None:
    """Close the gateway's pooled HTTP session, if it has one."""
    close = getattr(container.gateway(), "aclose", None)
    if close is not None:
        await close()


def create_app(container: Container) -> Litestar:
    settings = container.settings()
    tokens = TokenCodec(settings.jwt_secret)
    openapi = OpenAPIConfig(
        title="Beta Skill Payments", version="1.0.0",
        description="Course payments through iKhokha iK Pay. Errors are "
                    "application/problem+json (RFC 9457).",
        path="/schema", render_plugins=[JsonRenderPlugin()],
        components=Components(security_schemes={"BearerToken": SecurityScheme(
            type="http", scheme="bearer", bearer_format="JWT")}),
        security=[{"BearerToken": []}],
    )
    app = Litestar(
        route_handlers=[EnrollmentController, PaymentController, ikhokha_callback, live, ready,
                        checkout_return],
        plugins=[ContainerPlugin(container, tokens)],
        exception_handlers={Exception: handle_exception},
        openapi_config=openapi,
        request_max_body_size=MAX_BODY,
        debug=False,
        on_shutdown=[partial(_close_gateway, container)],
    )
    app.state.container = container
    app.state.tokens = tokens
    return app
