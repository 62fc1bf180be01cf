"""The production stack's files (deploy/) hold together, checked without a container
runtime: every alert is explained in the runbook, the compose file keeps secrets out and
starts things in order, the image runs as non-root with a health check, the nginx
template gets every value it needs, and the entrypoint reads docker secrets.
(tests/reliability/test_load_balancer.py runs the nginx site for real.)"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from entrypoints.settings import SECRET_NAMES
from tests.support.load_balancer import SITE, placeholders

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
RUNBOOK = ROOT / "docs" / "operations.md"
SKILLPAY_SERVICES = ("migrate", "api-1", "api-2", "worker")


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def alert_names() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r]


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/operations.md has no '## {title}' section"
    return match.group(1)


def test_every_alert_is_described_in_the_runbook():
    runbook = RUNBOOK.read_text()
    alerts = section(runbook, "Alerts")
    names = alert_names()
    assert names, "no alert rules found"
    missing = [n for n in names if f"`{n}`" not in alerts]
    assert not missing, f"alerts without a row in docs/operations.md '## Alerts': {missing}"


def test_the_runbook_has_the_deploy_sections():
    runbook = RUNBOOK.read_text()
    assert runbook.startswith("# Operations\n")
    for title in ("Deploy", "Roll back", "Restore from backup", "Alerts"):
        assert section(runbook, title).strip()
    restore = section(runbook, "Restore from backup")
    assert restore.index("pg_restore") < restore.index("migrate") < restore.index("reconcile")


def test_compose_has_the_whole_stack_started_in_order():
    services = compose()["services"]
    assert {"nginx", "postgres", "redis", "prometheus", "grafana",
            *SKILLPAY_SERVICES} <= set(services)
    assert services["migrate"]["command"] == ["migrate", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api-1", "api-2", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully", name
    assert services["api-1"]["command"][0] == "serve" and services["worker"]["command"] == [
        "worker"]
    for name in ("api-1", "api-2"):
        assert services["nginx"]["depends_on"][name]["condition"] == "service_healthy"
    mounts = " ".join(services["prometheus"]["volumes"])
    assert "./prometheus/alerts.yml:" in mounts and "./prometheus/prometheus.yml:" in mounts
    assert "./grafana/payments-dashboard.json:" in " ".join(services["grafana"]["volumes"])


def test_compose_keeps_every_secret_out_of_the_file():
    document = compose()
    services = document["services"]
    secret_like = re.compile(r"SECRET|PASSWORD|DATABASE_URL|TOKEN", re.I)
    for name, service in services.items():
        env = service.get("environment") or {}
        assert isinstance(env, dict), f"{name}: environment as a mapping"
        for key, value in env.items():
            if secret_like.search(key):
                assert key.endswith(("_FILE", "__FILE")), f"{name}: {key} is set inline"
                assert str(value).startswith("/run/secrets/"), f"{name}: {key}={value}"
    for name in SKILLPAY_SERVICES:
        env = services[name]["environment"]
        for secret in ("SKILLPAY_JWT_SECRET", "IKHOKHA_APP_SECRET", "IKHOKHA_WEBHOOK_SECRET",
                       "SKILLPAY_DATABASE_URL"):
            assert f"{secret}_FILE" in env, f"{name} does not get {secret}"
        assert services[name]["env_file"] == ["./env/skillpay.env"]
    declared = document["secrets"]
    for spec in declared.values():
        assert spec["file"].startswith("./secrets/")
    ignored = (DEPLOY / "secrets" / ".gitignore").read_text().split()
    assert ignored[0] == "*"


def test_env_file_has_no_secret_and_trusts_only_nginx():
    values = dict(line.split("=", 1) for line in
                  (DEPLOY / "env" / "skillpay.env").read_text().splitlines()
                  if line and not line.startswith("#"))
    assert not set(values) & SECRET_NAMES
    assert "SKILLPAY_DATABASE_URL" not in values
    assert values["SKILLPAY_REQUIRE_HTTPS"] == "true" and values["SKILLPAY_ENV"] == "production"
    nginx_ip = compose()["services"]["nginx"]["networks"]["edge"]["ipv4_address"]
    assert values["SKILLPAY_TRUSTED_PROXIES"] == f"{nginx_ip}/32"
    assert values["REDIS_URL"].startswith("redis://redis:")


def test_nginx_template_gets_every_value_from_compose():
    nginx = compose()["services"]["nginx"]
    env = nginx["environment"]
    assert placeholders(SITE.read_text()) <= set(env)
    assert env["NGINX_ENVSUBST_FILTER"] == "SKILLPAY_"
    assert any(v.endswith("/etc/nginx/templates/default.conf.template:ro")
               for v in nginx["volumes"])


def test_prometheus_scrapes_both_api_instances_and_loads_the_rules():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    targets = [t for job in config["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]]
    assert {"api-1:8000", "api-2:8000"} <= set(targets)


def test_image_is_multi_stage_non_root_with_a_health_check_and_no_secret():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) >= 2
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and not users[-1].startswith(("root", "0"))
    assert "HEALTHCHECK" in dockerfile and "/health/live" in dockerfile
    for secret in SECRET_NAMES:
        assert not re.search(rf"^(ENV|ARG)\b.*{secret}", dockerfile, re.M), secret
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("*") + 1].startswith("!")  # everything out unless listed


def run_entrypoint(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """deploy/docker-entrypoint.sh with a stand-in `skillpay` that prints its env."""
    stub = tmp_path / "bin" / "skillpay"
    stub.parent.mkdir(exist_ok=True)
    stub.write_text("#!/bin/sh\necho \"args=$*\"\nenv\n")
    stub.chmod(0o755)
    return subprocess.run(
        ["sh", str(DEPLOY / "docker-entrypoint.sh"), "serve", "--port", "8000"],
        env={"PATH": f"{stub.parent}:{os.environ['PATH']}", **env},
        capture_output=True, text=True, timeout=30)


def test_entrypoint_reads_docker_secret_files(tmp_path):
    secret = tmp_path / "jwt_secret"
    secret.write_text("s3cr3t value with spaces\n")
    done = run_entrypoint(tmp_path, {"SKILLPAY_JWT_SECRET_FILE": str(secret),
                                     "SKILLPAY_ENV": "production"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "args=serve --port 8000"
    assert "SKILLPAY_JWT_SECRET=s3cr3t value with spaces" in lines
    assert not any(line.startswith("SKILLPAY_JWT_SECRET_FILE=") for line in lines)


def test_entrypoint_refuses_an_unreadable_or_doubled_secret(tmp_path):
    missing = run_entrypoint(tmp_path, {"IKHOKHA_APP_SECRET_FILE": str(tmp_path / "nope")})
    assert missing.returncode == 2 and "cannot be read" in missing.stderr
    secret = tmp_path / "s"
    secret.write_text("x")
    doubled = run_entrypoint(tmp_path, {"IKHOKHA_APP_SECRET_FILE": str(secret),
                                        "IKHOKHA_APP_SECRET": "y"})
    assert doubled.returncode == 2 and "both" in doubled.stderr
