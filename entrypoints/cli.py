"""`skillpay` command line: serve, sandbox, simulator, migrate, worker, token, reconcile,
check-config, preflight."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence

from entrypoints.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings.from_env(os.environ)
    except SettingsError as problem:
        for line in str(problem).splitlines():  # one line per wrong variable
            print(f"configuration error: {line}", file=sys.stderr)
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


def port_taken(host: str, port: int) -> bool:
    """True when something already listens on host:port (checked before starting, so a
    taken port is one clear line instead of a traceback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def refuse_taken(command: str, host: str, ports: dict[str, int]) -> bool:
    for flag, port in ports.items():
        if port_taken(host, port):
            print(f"skillpay {command}: port {port} on {host} is taken; choose another "
                  f"with {flag}", file=sys.stderr)
            return True
    return False


def cmd_serve(args: argparse.Namespace) -> int:
    from entrypoints.server import serve

    if refuse_taken("serve", args.host, {"--port": args.port}):
        return 1
    return serve(_settings(), host=args.host, port=args.port, api_only=args.api_only)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from entrypoints.sandbox import run_sandbox

    sim_port = args.simulator_port or args.port + 900
    if refuse_taken("sandbox", args.host, {"--port": args.port, "--simulator-port": sim_port}):
        return 1
    return run_sandbox(host=args.host, port=args.port, sim_port=args.simulator_port)


def cmd_simulator(args: argparse.Namespace) -> int:
    from adapters.simulator.cli import main as simulator_main

    return simulator_main(args.rest)


def cmd_migrate(args: argparse.Namespace) -> int:
    import asyncio

    from adapters.sql import migrate

    url = _settings().database_url
    if url.startswith("memory:"):
        print("SKILLPAY_DATABASE_URL is memory://: nothing to migrate", file=sys.stderr)
        return 2
    if args.action == "upgrade":
        asyncio.run(migrate.upgrade(url, args.revision or "head"))
    elif args.action == "downgrade":
        if not args.revision:
            print("downgrade needs a revision (e.g. base)", file=sys.stderr)
            return 2
        asyncio.run(migrate.downgrade(url, args.revision))
    print(f"current revision: {asyncio.run(migrate.current(url)) or 'none (empty database)'}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from entrypoints.worker import run_worker

    return run_worker(_settings())


def cmd_reconcile(args: argparse.Namespace) -> int:
    from entrypoints.reconcile_cli import run

    return run(_settings(), args.start, args.end, args.apply)


def cmd_check_config(args: argparse.Namespace) -> int:
    from entrypoints.check_config import check_config

    lines, status = check_config(_settings())
    print("\n".join(lines))
    return status


def cmd_preflight(args: argparse.Namespace) -> int:
    from entrypoints.preflight import run

    return run(_settings(), args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skillpay", description="Beta Skill Payments")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--api-only", action="store_true",
                       help="answer requests only; `skillpay worker` processes in the "
                            "background (relay, inbox sweep, checker)")
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
    migrate = sub.add_parser("migrate", help="upgrade, downgrade or show the database schema")
    migrate.add_argument("action", choices=["upgrade", "downgrade", "current"])
    migrate.add_argument("revision", nargs="?", default=None)
    migrate.set_defaults(run=cmd_migrate)
    worker = sub.add_parser("worker", help="relay the outbox and finish waiting callbacks")
    worker.set_defaults(run=cmd_worker)
    token = sub.add_parser("token", help="mint a JWT for local use")
    token.add_argument("--sub", required=True)
    token.add_argument("--role", required=True)
    token.add_argument("--hours", type=int, default=12)
    token.set_defaults(run=cmd_token)
    reconcile = sub.add_parser("reconcile", help="compare our payments with iKhokha's history")
    reconcile.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    reconcile.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD, inclusive")
    reconcile.add_argument("--apply", action="store_true",
                           help="repair payments the gateway settled (same checks as a callback)")
    reconcile.set_defaults(run=cmd_reconcile)
    check = sub.add_parser("check-config", help="print the effective configuration (secrets "
                                                "masked) and what would stop the server")
    check.set_defaults(run=cmd_check_config)
    about = ("check iK Pay, the clock, the callback URL, the database and Redis before going "
             "live; exit 0 all good, 1 a check failed, 2 misconfigured (docs/operations.md)")
    preflight = sub.add_parser("preflight", help=about, description=about)
    preflight.add_argument("--test-payment", action="store_true",
                           help="also take a small live payment, paid by hand, and verify it")
    preflight.add_argument("--amount", type=int, default=100, metavar="CENTS",
                           help="test payment in cents (default 100 = R1.00)")
    preflight.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                           help="how long to wait for the test payment (default 900)")
    preflight.set_defaults(run=cmd_preflight)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["simulator"]:  # its own options (and --help) are its parser's
        from adapters.simulator.cli import main as simulator_main

        return simulator_main(arguments[1:])
    args = build_parser().parse_args(arguments)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
