"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler

from entrypoints.background import BackgroundWork
from entrypoints.container import Container
from entrypoints.http.controllers.admin import ADMIN_ROUTES
from entrypoints.http.controllers.analytics import ANALYTICS_ROUTES
from entrypoints.http.controllers.enrollments import EnrollmentController
from entrypoints.http.controllers.events import events_sse, events_ws
from entrypoints.http.controllers.health import live, ready
from entrypoints.http.controllers.monitoring import metrics, stats
from entrypoints.http.controllers.payments import PaymentController
from entrypoints.http.controllers.return_pages import checkout_return
from entrypoints.http.controllers.risk import RISK_ROUTES
from entrypoints.http.controllers.webhooks import ikhokha_callback_route
from entrypoints.http.dependencies import ContainerPlugin
from entrypoints.http.docs_pages import landing_page, swagger_assets, swagger_plugin
from entrypoints.http.http_metrics import http_metrics
from entrypoints.http.money_back_routes import MONEY_BACK_ROUTES
from entrypoints.http.openapi_doc import complete_openapi
from entrypoints.http.problems import exception_handler
from entrypoints.http.request_body import StrictBodyPlugin
from entrypoints.http.security import security_options
from entrypoints.logging_setup import install_redaction
from entrypoints.storage import close_storage, prepare_storage

MAX_BODY = 1024 * 1024


def _lifespan(container: Container, background: BackgroundWork | None):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await prepare_storage(container.settings())
        if background is not None:
            await background.start()
        try:
            yield
        finally:
            await container.callback_dispatcher().stop()  # unfinished items stay in the inbox
            if background is not None:
                await background.stop()
            close = getattr(container.gateway(), "aclose", None)
            if close is not None:
                await close()
            await container.rate_limits().aclose()  # the Redis pool, when limits use one
            await close_storage(container)

    return lifespan


def create_app(container: Container, *, run_background: bool = True,
               extra_routes: Sequence[ControllerRouterHandler] = ()) -> Litestar:
    """The app; `run_background` also runs the worker loops in this process;
    `extra_routes` are the sandbox's pages (never added by `serve`)."""
    settings = container.settings()
    install_redaction(settings)
    security = security_options(container, MAX_BODY)
    openapi = OpenAPIConfig(
        title="Beta Skill Payments", version="1.0.0",
        description="Course payments through iKhokha iK Pay. Errors are "
                    "application/problem+json (RFC 9457).",
        path="/schema", render_plugins=[JsonRenderPlugin(), swagger_plugin()],
        components=Components(security_schemes={"BearerToken": SecurityScheme(
            type="http", scheme="bearer", bearer_format="JWT")}),
        security=[{"BearerToken": []}],
    )
    app = Litestar(
        route_handlers=[EnrollmentController, PaymentController,
                        ikhokha_callback_route(container.callback_endpoint), live, ready,
                        checkout_return, events_sse, events_ws, *extra_routes, metrics, stats,
                        *ADMIN_ROUTES, *MONEY_BACK_ROUTES, *RISK_ROUTES, *ANALYTICS_ROUTES,
                        landing_page, swagger_assets()],
        middleware=[http_metrics(container.metrics()), *security.pop("middleware")],
        plugins=[ContainerPlugin(container, sandbox=bool(extra_routes)), StrictBodyPlugin(),
                 container.channels()],
        exception_handlers={Exception: exception_handler(container.metrics())},
        openapi_config=openapi,
        request_max_body_size=MAX_BODY,
        debug=False,
        lifespan=[_lifespan(container, BackgroundWork(container) if run_background else None)],
        **security,
    )
    complete_openapi(app.openapi_schema)
    return app
