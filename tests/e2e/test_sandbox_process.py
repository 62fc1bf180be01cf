"""`skillpay sandbox` really starts and answers /health/live (the README's promise)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sandbox_answers_health_live_and_prints_tokens(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    sim_port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "sandbox", "--port", str(port),
         "--simulator-port", str(sim_port)],
        cwd=tmp_path, env={**env, "PYTHONPATH": os.getcwd()},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body == '{"status":"ok"}'
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert "Tokens" in output and "student-thandi" in output
    assert (tmp_path / ".sandbox" / "jwt-secret").stat().st_mode & 0o077 == 0
