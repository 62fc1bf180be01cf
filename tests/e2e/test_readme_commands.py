"""Every command README.md shows runs as written (issue 16: the README's simulator line
failed with "unrecognized arguments", and its printed curl example answered 422 after a
restart). The commands are read from README.md (tests/support/readme.py), so a command
added to the README is tested without editing this file, and fails here if it does not
work.

- Each runs in a fresh working directory with `.venv` linked to the running virtualenv
  and no SKILLPAY_*/IKHOKHA_* variables: what a new clone sees after `make` (a real
  clone plus `pip install` needs the network and minutes). What a command creates
  (skillpay.db, .sandbox/) lands there, not in the checkout.
- Commands that finish must exit 0; a `# needs NAME` comment gets NAME set.
- Commands that keep running must reach their ready signal, then are stopped: serve and
  sandbox answer /health/live, the simulator prints its URL, the worker logs "worker
  running". A port the README fixes (8000, 8900) is kept when free and replaced by a
  free one when something else on this shared machine holds it.
- The sandbox's printed curl example runs in bash: buy a course, then the same payment
  line for a second enrollment is 201 too (a fixed Idempotency-Key answered 422), and
  the README's inline `$(cat .sandbox/jwt-secret)` token line runs in its folder.
- `make` lines run as `make -n` in the checkout: every target must exist. Running them
  would recurse (`make test` runs this test), take minutes, or rewrite docs/errors.md
  (`make docs`); CI runs them for real.
- Inline commands in prose must parse (placeholders such as D or REV are strings to the
  parser; `[--apply]` marks an optional flag).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from entrypoints.cli import build_parser, port_taken
from tests.support.live_stack import free_port
from tests.support.readme import Command, block_commands, config_blocks, inline_commands
from tests.support.running import Running, answers

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
BLOCK = [c for c in block_commands() if c.program == "skillpay"]
MAKE = [c for c in [*block_commands(), *inline_commands()] if c.program == "make"]
LONG_RUNNING = {"serve", "worker", "sandbox", "simulator"}


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLPAY_", "IKHOKHA_"))}
    return {**clean, **extra}


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    (tmp_path / ".venv").symlink_to(sys.prefix)
    assert (tmp_path / ".venv" / "bin" / "skillpay").exists(), "pip install -e . first"
    return tmp_path


def _port(argv: list[str], flag: str, default: int) -> int:
    """The port `flag` gets; a taken one is replaced by a free one (see module doc)."""
    port = int(argv[argv.index(flag) + 1]) if flag in argv else default
    if port_taken("127.0.0.1", port):
        port = free_port()
        if flag in argv:
            argv[argv.index(flag) + 1] = str(port)
        else:
            argv += [flag, str(port)]
    return port


def _sandbox_curl_example(run: Running, folder: Path) -> None:
    lines = run.output.split("Buy a course:", 1)[1].splitlines()
    shell = [line.strip() for line in lines if line.strip().startswith(("export", "curl"))]
    export, enroll, pay, look = shell[:4]

    def bash(*script: str) -> dict:
        done = subprocess.run(["bash", "-c", "\n".join([export, *script])], cwd=folder,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    first = bash(enroll)["id"]
    paid = bash(pay.replace("<enrollment id>", first))
    assert paid["status"] == "pending" and paid["checkout_url"], paid
    second = bash(enroll.replace("python-101", "data-science"))["id"]
    again = bash(pay.replace("<enrollment id>", second))  # a fresh key: not 422
    assert again.get("status") == "pending" and again["id"] != paid["id"], again
    assert bash(look.replace("<enrollment id>", first))["status"] == "pending_payment"
    for inline in inline_commands():
        if ".sandbox/" in inline.line:  # e.g. the token line that reads its key
            done = subprocess.run(["bash", "-c", inline.line], cwd=folder, text=True,
                                  capture_output=True, timeout=60, check=False)
            assert done.returncode == 0 and done.stdout.count(".") == 2, done.stderr


def _run_long(argv: list[str], folder: Path) -> None:
    sub = argv[1]
    if sub == "serve":
        port = _port(argv, "--port", 8000)
        ready = answers(f"http://127.0.0.1:{port}/health/live")
    elif sub == "sandbox":
        port = _port(argv, "--port", 8000)
        _port(argv, "--simulator-port", port + 900)
        ready = answers(f"http://127.0.0.1:{port}/health/live")
    elif sub == "simulator":
        port = _port(argv, "--port", 8900)
        ready = None
    else:
        port, ready = 0, None
    with Running(argv, folder, _env()) as run:
        signal = {"simulator": f"http://127.0.0.1:{port}/public-api/v1/api",
                  "worker": "worker running"}.get(sub)
        assert run.wait_for(ready or (lambda: signal in run.output)), run.output
        if sub == "sandbox":
            _sandbox_curl_example(run, folder)


@pytest.mark.parametrize("command", BLOCK, ids=[c.line for c in BLOCK])
def test_a_readme_command_runs_as_written(command: Command, clone: Path):
    argv = list(command.argv)
    if argv[1] in LONG_RUNNING:
        _run_long(argv, clone)
        return
    needs = {name: "a-long-enough-signing-key-for-the-readme-test" for name in command.needs}
    done = subprocess.run(argv, cwd=clone, env=_env(**needs), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("command", MAKE, ids=[c.line for c in MAKE])
def test_a_readme_make_line_names_real_targets(command: Command):
    done = subprocess.run(["make", "-n", *command.argv[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


INLINE = [c for c in inline_commands() if c.program == "skillpay"]


@pytest.mark.parametrize("command", INLINE, ids=[c.line for c in INLINE])
def test_a_command_in_the_readmes_prose_parses(command: Command):
    argv = [re.sub(r"^\[(.*)\]$", r"\1", word) for word in command.argv[1:]]
    if argv[0] == "simulator":
        from adapters.simulator.cli import _parser
        _parser().parse_args(argv[1:])
    else:
        build_parser().parse_args(argv)  # exits 2 (fails the test) on a wrong command


SUBCOMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_every_subcommand_answers_help(sub: str, clone: Path):
    done = subprocess.run([".venv/bin/skillpay", sub, "--help"], cwd=clone, env=_env(),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "usage:" in done.stdout, done.stderr


def test_the_readmes_configuration_names_only_real_settings():
    known = (ROOT / "entrypoints" / "settings.py").read_text()
    names = {n for block in config_blocks() for n in re.findall(r"^([A-Z_]+)=", block, re.M)}
    names |= {n for block in config_blocks() for n in re.findall(r"\s([A-Z_]+)=", block)}
    assert names and {n for n in names if f'"{n}"' not in known} == set()
