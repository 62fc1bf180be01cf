"""`skillpay reconcile --from D --to D [--apply]`: one reconciliation from the shell.

Runs the same use-case as the API (stored report included) as the admin `cli`, on the
storage and gateway the environment configures, and prints the summary.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date

from application.actor import Actor, Role
from application.use_cases.reconcile import ReconcileCommand
from domain.classification import ClassifiedFailure, classify
from entrypoints.container import build_container
from entrypoints.settings import Settings
from entrypoints.storage import close_storage, prepare_storage

CLI_ACTOR = Actor("cli", Role.ADMIN)


async def reconcile(settings: Settings, start: date, end: date, apply: bool) -> int:
    container = build_container(settings)
    try:
        await prepare_storage(settings)
        report = await container.reconcile()(ReconcileCommand(CLI_ACTOR, start, end, apply))
    except ClassifiedFailure as failure:
        print(f"reconciliation failed: {failure.code}: {failure.detail or classify(failure).title}",
              file=sys.stderr)
        return 1
    finally:
        close = getattr(container.gateway(), "aclose", None)
        if close is not None:
            await close()
        await close_storage(container)
    print(report.summary())
    return 0


def run(settings: Settings, start: str, end: str, apply: bool) -> int:
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        print("--from and --to must be YYYY-MM-DD", file=sys.stderr)
        return 2
    return asyncio.run(reconcile(settings, first, last, apply))
