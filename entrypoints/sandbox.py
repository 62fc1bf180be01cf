"""`make sandbox`: the API with embedded defaults, demo users and ready-made tokens."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from adapters.fake.gateway import FakeGateway
from domain.gateway_report import GatewayStatus
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

SANDBOX_DIR = Path(".sandbox")
DEMO_USERS = (("student-thandi", "student"), ("student-pieter", "student"),
              ("admin-naledi", "admin"), ("platform", "service"))


def _sandbox_secret() -> str:
    """One random key per sandbox folder, kept out of the repository (0600)."""
    SANDBOX_DIR.mkdir(exist_ok=True)
    path = SANDBOX_DIR / "jwt-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def run_sandbox(*, host: str, port: int) -> int:
    import uvicorn

    env = dict(os.environ)
    env.setdefault("SKILLPAY_JWT_SECRET", _sandbox_secret())
    env.setdefault("SKILLPAY_PUBLIC_URL", f"http://{host}:{port}")
    settings = Settings.from_env(env)
    container = build_container(settings)
    if settings.gateway == "fake":
        container.gateway.override(FakeGateway(container.clock(), auto_outcome=GatewayStatus.SUCCESS))
    app = create_app(container)
    base = settings.public_url
    tokens = {sub: app.state.tokens.mint(sub, role) for sub, role in DEMO_USERS}
    print(_banner(base, tokens), flush=True)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0


def _banner(base: str, tokens: dict[str, str]) -> str:
    lines = ["", "Beta Skill Payments sandbox", "=" * 27, f"API:      {base}/api/v1",
             f"OpenAPI:  {base}/schema/openapi.json", f"Health:   {base}/health/live", "",
             "Tokens (valid 12 h):"]
    lines += [f"  {sub:16} {token}" for sub, token in tokens.items()]
    lines += ["", "Try it:",
              f"  export SVC='{tokens['platform']}' STU='{tokens['student-thandi']}'",
              f"  curl -s -X POST {base}/api/v1/enrollments -H \"Authorization: Bearer $SVC\" "
              "-H 'Content-Type: application/json' -d '{\"student_id\":\"student-thandi\","
              "\"course_id\":\"python-101\",\"price\":{\"amount\":49900,\"currency\":\"ZAR\"}}'",
              f"  curl -s -X POST {base}/api/v1/payments -H \"Authorization: Bearer $STU\" "
              "-H 'Idempotency-Key: demo-checkout-0001' -H 'Content-Type: application/json' "
              "-d '{\"enrollment_id\":\"<enrollment id>\"}'",
              f"  curl -s -X POST {base}/api/v1/payments/<payment id>/verify "
              "-H \"Authorization: Bearer $STU\"",
              f"  curl -s {base}/api/v1/enrollments/<enrollment id> -H \"Authorization: Bearer $STU\"",
              "", "More tokens: SKILLPAY_JWT_SECRET=$(cat .sandbox/jwt-secret) "
              ".venv/bin/skillpay token --sub U --role student", ""]
    return "\n".join(lines)
