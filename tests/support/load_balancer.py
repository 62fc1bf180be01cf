"""Debian's nginx in front of the API, on loopback, with the production site file.

deploy/nginx/skillpay.conf is an nginx template (${SKILLPAY_*} names, substituted by
the official nginx image in production); `render_site` fills it the same way for a test
and the test's own main file gives nginx a prefix, pid, logs and temp paths in a temp
folder: nothing under /etc, /var or /run is touched. nginx runs in the foreground as a
child of the test (`daemon off`).
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "skillpay.conf"
NGINX = os.environ.get("SKILLPAY_TEST_NGINX", "/usr/sbin/nginx")
PLACEHOLDER = re.compile(r"\$\{(SKILLPAY_[A-Z0-9_]+)\}")


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> None:
    """Skip here; fail in CI (CI=true), where the tool must have been installed."""
    if in_ci():
        pytest.fail(f"required in CI (CI=true): {reason}")
    pytest.skip(reason)


def require_nginx() -> str:
    found = NGINX if os.access(NGINX, os.X_OK) else shutil.which("nginx")
    if not found:
        skip_or_fail(f"nginx not found at {NGINX} (apt-get install -y nginx; .ci/run does)")
    return str(found)


def require_openssl() -> str:
    found = shutil.which("openssl")
    if not found:
        skip_or_fail("the openssl command is missing (apt-get install -y openssl)")
    return str(found)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render_site(values: dict[str, str]) -> str:
    """The site file with every ${SKILLPAY_*} replaced, like the image's envsubst."""
    text = SITE.read_text(encoding="utf-8")
    missing = placeholders(text) - set(values)
    assert not missing, f"no value for {sorted(missing)} in the test"
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for localhost and 127.0.0.1 (the same command as
    deploy/nginx/certs/README.md)."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [require_openssl(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    return cert, key


def main_config(folder: Path, site: Path) -> str:
    """nginx.conf around the site: everything nginx writes stays in `folder`."""
    # As root, nginx would hand its workers to `nobody`, who cannot enter a private temp
    # folder; run them as whoever runs the test.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    return f"""
daemon off;
worker_processes 1;
{user}
pid {folder}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    default_type application/octet-stream;
    include {site};
}}
"""


def nginx_argv(nginx: str, folder: Path) -> list[str]:
    """-p: the prefix; -e: the early error log (else nginx opens /var/log/nginx first)."""
    return [nginx, "-p", f"{folder}/", "-c", str(folder / "nginx.conf"), "-e", "stderr"]
