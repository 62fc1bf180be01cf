"""`skillpay sandbox` really starts, answers /health/live (the README's promise) and
keeps its data across a restart (embedded SQLite in the working directory)."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support.live_stack import free_port

pytestmark = pytest.mark.e2e


def start_sandbox(folder, port: int, sim_port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "sandbox", "--port", str(port),
         "--simulator-port", str(sim_port)],
        cwd=folder, env={**env, "PYTHONPATH": os.getcwd()},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_live(port: int) -> str | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2) as r:
                return r.read().decode()
        except OSError:
            time.sleep(0.3)
    return None


def call(port: int, method: str, path: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    output, _ = proc.communicate(timeout=20)
    return output


def tokens_from(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("platform", "student-thandi"):
            found[parts[0]] = parts[1]
    return found


def test_sandbox_answers_health_and_keeps_data_across_a_restart(tmp_path):
    port, sim_port = free_port(), free_port()
    proc = start_sandbox(tmp_path, port, sim_port)
    try:
        assert wait_live(port) == '{"status":"ok"}'
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Tokens" in output and "student-thandi" in output
    assert (tmp_path / ".sandbox" / "jwt-secret").stat().st_mode & 0o077 == 0
    tokens = tokens_from(output)

    proc = start_sandbox(tmp_path, port, sim_port)
    try:
        assert wait_live(port)
        created = call(port, "POST", "/api/v1/enrollments", tokens["platform"], {
            "student_id": "student-thandi", "course_id": "python-101",
            "price": {"amount": 49900, "currency": "ZAR"}})
    finally:
        stop(proc)

    proc = start_sandbox(tmp_path, port, sim_port)
    try:
        assert wait_live(port)
        again = call(port, "GET", f"/api/v1/enrollments/{created['id']}",
                     tokens["student-thandi"])
    finally:
        stop(proc)
    assert again["id"] == created["id"] and again["status"] == "pending_payment"
