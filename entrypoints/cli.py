"""`skillpay` command line: serve, sandbox, token."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from entrypoints.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env(os.environ)
    except SettingsError as problem:
        print(f"configuration error: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_token(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from entrypoints.http.auth import TokenCodec

    secret = os.environ.get("SKILLPAY_JWT_SECRET", "")
    if not secret:
        print("SKILLPAY_JWT_SECRET is not set: tokens must be signed with the server's key "
              "(the sandbox keeps its key in .sandbox/jwt-secret)", file=sys.stderr)
        return 2
    try:
        print(TokenCodec(secret).mint(args.sub, args.role, timedelta(hours=args.hours)))
    except ValueError:
        print(f"unknown role {args.role!r}: use student, admin or service", file=sys.stderr)
        return 2
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from entrypoints.server import serve

    return serve(_settings(), host=args.host, port=args.port)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from entrypoints.sandbox import run_sandbox

    return run_sandbox(host=args.host, port=args.port, sim_port=args.simulator_port)


def cmd_simulator(args: argparse.Namespace) -> int:
    from adapters.simulator.cli import main as simulator_main

    return simulator_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skillpay", description="Beta Skill Payments")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=cmd_serve)
    sandbox = sub.add_parser("sandbox", help="run the API with demo data and print tokens")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8000)
    sandbox.add_argument("--simulator-port", type=int, default=None,
                         help="port of the iK Pay simulator (default: port + 900)")
    sandbox.set_defaults(run=cmd_sandbox)
    simulator = sub.add_parser("simulator", help="run the iK Pay simulator on its own",
                               add_help=False)
    simulator.add_argument("rest", nargs=argparse.REMAINDER)
    simulator.set_defaults(run=cmd_simulator)
    token = sub.add_parser("token", help="mint a JWT for local use")
    token.add_argument("--sub", required=True)
    token.add_argument("--role", required=True)
    token.add_argument("--hours", type=int, default=12)
    token.set_defaults(run=cmd_token)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
