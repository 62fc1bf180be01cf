"""The commands the README shows run as written: every subcommand answers --help, the
simulator starts with the README's arguments, and a taken port is one line naming the
flag to change (it was a 25-line traceback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.support.live_stack import free_port

pytestmark = pytest.mark.e2e
SUBCOMMANDS = ("serve", "sandbox", "simulator", "migrate", "worker", "token", "reconcile",
               "check-config")


def skillpay(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    return subprocess.run([sys.executable, "-m", "entrypoints.cli", *args], text=True,
                          capture_output=True, timeout=timeout, env={**environment, **env},
                          check=False)


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_answers_help(command):
    done = skillpay(command, "--help")
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


def test_the_readmes_simulator_line_starts_the_simulator():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "simulator", "--app-id", "A",
         "--app-secret", "S-secret-value", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/public-api/v1/api" in first
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("command", ["serve", "sandbox", "simulator"])
def test_a_taken_port_is_one_line_naming_the_flag(command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        extra = ["--app-id", "A", "--app-secret", "S-secret-value"] \
            if command == "simulator" else []
        done = skillpay(command, "--port", str(port), *extra, SKILLPAY_ENV="development")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is taken" in lines[0] and "--port" in lines[0], done.stderr


def test_token_mints_with_the_servers_key():
    done = skillpay("token", "--sub", "stu-1", "--role", "student",
                    SKILLPAY_JWT_SECRET="a-long-enough-signing-key-for-tests-0123")
    assert done.returncode == 0 and done.stdout.count(".") == 2
