"""One InitPlugin that closes over the container and registers typed providers.

Handlers receive use-cases (concrete classes), never raw ports; query strings cannot
replace an injected object (with dependency-injector's @inject wiring, one could).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.channels import ChannelsPlugin
from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.plugins import InitPluginProtocol

from application.actor import Actor
from entrypoints.container import Container
from entrypoints.http.admin_session import (
    AdminRefused,
    provide_admin,
    provide_admin_post,
    refused_page,
)
from entrypoints.http.auth import TokenCodec

USE_CASES = ("create_enrollment", "get_enrollment", "start_payment", "verify_payment",
             "handle_callback", "get_payment", "list_payments", "idempotent_requests",
             "get_audit_trail",
             "request_refund", "confirm_refund", "get_refund", "revert_enrollment",
             "gateway_mode", "gateway_history", "reconcile", "list_reconciliations")
USE_CASES += ("get_stats", "payments_needing_review", "scrape", "readiness")
USE_CASES += ("resolve_review", "verify_on_return", "cancel_refund")
USE_CASES += ("get_payment_detail",)
USE_CASES += ("payment_deliveries", "resend_delivery")
USE_CASES += ("daily_reconciliation",)
USE_CASES += ("get_analytics",)
USE_CASES += ("list_risk_rules", "update_risk_rule", "risk_queue", "lift_risk_block",
              "report_progress")
# Services of the HTTP layer itself, from the same container.
SERVICES = ("metrics", "rate_limits", "clock", "settings", "tokens")


class ContainerPlugin(InitPluginProtocol):
    """`sandbox`: the app serves the sandbox's pages (the return page sends the student
    there); handlers receive it as the `sandbox` dependency."""

    def __init__(self, container: Container, *, sandbox: bool = False) -> None:
        self.container = container  # the app's composition root, for tests and tools
        self._sandbox = sandbox

    def _provider(self, name: str) -> Callable[[], Any]:
        provider = getattr(self.container, name)

        def provide() -> Any:
            return provider()

        provide.__annotations__["return"] = type(provider())
        return provide

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        tokens: TokenCodec = self.container.tokens()
        sandbox = self._sandbox

        async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
            return tokens.actor_from_header(request.headers.get("authorization"))

        deps = {name: Provide(self._provider(name), sync_to_thread=False)
                for name in (*USE_CASES, *SERVICES)}
        deps["actor"] = Provide(provide_actor)
        channels = self.container.channels()

        def provide_channels() -> ChannelsPlugin:
            return channels

        def provide_sandbox() -> bool:
            return sandbox

        deps["admin"] = Provide(provide_admin)
        deps["admin_post"] = Provide(provide_admin_post)
        app_config.exception_handlers[AdminRefused] = refused_page
        deps["channels"] = Provide(provide_channels, sync_to_thread=False)
        deps["sandbox"] = Provide(provide_sandbox, sync_to_thread=False)
        app_config.dependencies.update(deps)
        return app_config
