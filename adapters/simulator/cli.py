"""`python -m adapters.simulator` and `skillpay simulator`: run it standalone.

Credentials come from arguments or IKHOKHA_APP_ID / IKHOKHA_APP_SECRET; there are no
built-in defaults, so no secret lives in the code.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys

from aiohttp import web

from adapters.simulator.app import create_simulator_app
from adapters.simulator.config import Faults, SimulatorConfig


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skillpay simulator", description="iK Pay simulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8900)
    p.add_argument("--app-id", default=os.environ.get("IKHOKHA_APP_ID"))
    p.add_argument("--app-secret", default=os.environ.get("IKHOKHA_APP_SECRET"))
    p.add_argument("--webhook-secret", default=os.environ.get("IKHOKHA_WEBHOOK_SECRET"))
    p.add_argument("--public-url", default=None, help="origin browsers use for checkout")
    p.add_argument("--refunds", action="store_true", help="enable the refund extension")
    p.add_argument("--clock-skew", type=float, default=0.0, metavar="SECONDS",
                   help="shift the clock the Date header shows (e.g. to rehearse preflight)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.app_id or not args.app_secret:
        print("simulator: --app-id/--app-secret (or IKHOKHA_APP_ID/IKHOKHA_APP_SECRET) "
              "are required", file=sys.stderr)
        return 2
    config = SimulatorConfig(app_id=args.app_id, app_secret=args.app_secret,
                             webhook_secret=args.webhook_secret, public_url=args.public_url,
                             refunds_enabled=args.refunds,
                             faults=Faults(clock_skew_s=args.clock_skew))
    try:
        with socket.create_server((args.host, args.port)):
            pass
    except OSError:
        print(f"simulator: port {args.port} on {args.host} is taken; choose another with "
              "--port", file=sys.stderr)
        return 1
    print(f"iK Pay simulator on http://{args.host}:{args.port}/public-api/v1/api", flush=True)
    web.run_app(create_simulator_app(config), host=args.host, port=args.port,
                print=None, handler_cancellation=True, shutdown_timeout=1.0)
    return 0
