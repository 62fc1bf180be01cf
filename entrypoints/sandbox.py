"""`make sandbox`: the API with embedded defaults plus the iK Pay simulator, one command.

The API runs the *real* iKhokha adapter against the simulator, so the demo exercises the
production code paths (signing, retries, callbacks, status confirmation). Credentials
and the token signing key are random per sandbox folder, kept in `.sandbox/` (0600).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from pathlib import Path

from adapters.simulator import SimulatorConfig, running_simulator
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.http.sandbox.demo import DEMO_USERS, SandboxDemo
from entrypoints.http.sandbox.pages import sandbox_router
from entrypoints.settings import Settings

SANDBOX_DIR = Path(".sandbox")
SANDBOX_APP_ID = "beta-skill-sandbox"


def sandbox_secret(name: str) -> str:
    """A random value per sandbox folder, created once and readable only by its owner."""
    SANDBOX_DIR.mkdir(exist_ok=True)
    path = SANDBOX_DIR / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def sandbox_settings(host: str, port: int, simulator_api_url: str) -> Settings:
    env = dict(os.environ)
    env.setdefault("SKILLPAY_JWT_SECRET", sandbox_secret("jwt-secret"))
    env.setdefault("SKILLPAY_PUBLIC_URL", f"http://{host}:{port}")
    env.update({"SKILLPAY_GATEWAY": "ikhokha", "IKHOKHA_API_URL": simulator_api_url,
                "IKHOKHA_APP_ID": SANDBOX_APP_ID,
                "IKHOKHA_APP_SECRET": sandbox_secret("ikhokha-app-secret"),
                "IKHOKHA_WEBHOOK_SECRET": sandbox_secret("ikhokha-app-secret"),
                "IKHOKHA_RETRY_DELAY_MS": env.get("IKHOKHA_RETRY_DELAY_MS", "200")})
    return Settings.from_env(env)


async def _run(host: str, port: int, sim_port: int) -> None:
    import uvicorn

    config = SimulatorConfig(app_id=SANDBOX_APP_ID,
                             app_secret=sandbox_secret("ikhokha-app-secret"),
                             public_url=f"http://{host}:{sim_port}")
    async with running_simulator(config, host=host, port=sim_port) as sim:
        settings = sandbox_settings(host, port, sim.api_url)
        container = build_container(settings)
        demo = SandboxDemo()
        app = create_app(container, extra_routes=[sandbox_router(container, demo)])
        tokens = {sub: container.tokens().mint(sub, role) for sub, role in DEMO_USERS}
        demo.tokens.update(tokens)
        print(_banner(settings.public_url, sim.base_url, tokens), flush=True)
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info",
                                               access_log=False))
        await server.serve()


def run_sandbox(*, host: str, port: int, sim_port: int | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(_run(host, port, sim_port or port + 900))
    return 0


def _banner(base: str, sim: str, tokens: dict[str, str]) -> str:
    lines = ["", "Beta Skill Payments sandbox", "=" * 27,
             f"Try it:    open {base}/sandbox in a browser: pick a course, Buy, Pay",
             f"API:        {base}/api/v1",
             f"OpenAPI:    {base}/schema/openapi.json", f"Health:     {base}/health/live",
             f"Operator:   {base}/admin (sign in with the admin token)",
             f"Metrics:    {base}/metrics",
             f"iK Pay sim: {sim}/public-api/v1/api (checkout pages at {sim}/checkout/...)", "",
             "Tokens (valid 12 h):"]
    lines += [f"  {sub:16} {token}" for sub, token in tokens.items()]
    auth = "-H \"Authorization: Bearer $STU\""
    lines += ["", "Buy a course:",
              f"  export SVC='{tokens['platform']}' STU='{tokens['student-thandi']}'",
              f"  curl -s -X POST {base}/api/v1/enrollments -H \"Authorization: Bearer $SVC\" "
              "-H 'Content-Type: application/json' -d '{\"student_id\":\"student-thandi\","
              "\"course_id\":\"python-101\",\"price\":{\"amount\":49900,\"currency\":\"ZAR\"}}'",
              f"  curl -s -X POST {base}/api/v1/payments {auth} "
              "-H \"Idempotency-Key: checkout-$(date +%s%N)\" "
              "-H 'Content-Type: application/json' "
              "-d '{\"enrollment_id\":\"<enrollment id>\"}'",
              "  open the checkout_url in a browser and press Pay (or Decline / Cancel), then:",
              f"  curl -s {base}/api/v1/enrollments/<enrollment id> {auth}",
              "", "More tokens: SKILLPAY_JWT_SECRET=$(cat .sandbox/jwt-secret) "
              ".venv/bin/skillpay token --sub U --role student", ""]
    return "\n".join(lines)
