"""`skillpay check-config`: the effective configuration, secrets masked, and every
problem that would stop the server (exit 1 when there is one)."""

from __future__ import annotations

from dataclasses import fields
from urllib.parse import urlsplit, urlunsplit

from entrypoints.safety import startup_problems, startup_warnings
from entrypoints.settings import Settings

HIDDEN_FIELDS = frozenset({"warnings"})


def masked_secret(value: str) -> str:
    return f"*** ({len(value)} characters)" if value else "(not set)"


def masked_url(url: str | None) -> str:
    """URLs keep host and path; a password inside them is masked."""
    if not url:
        return "(not set)"
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname or ''}"
        netloc += f":{parts.port}" if parts.port else ""
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def describe(settings: Settings) -> list[str]:
    lines = []
    for f in fields(settings):
        if f.name in HIDDEN_FIELDS:
            continue
        value = getattr(settings, f.name)
        if not f.repr:  # a secret: declared with field(repr=False)
            shown = masked_secret(value)
        elif f.name == "ikhokha_app_id" and value:
            shown = value[:4] + "***"
        elif f.name.endswith("_url"):
            shown = masked_url(value)
        elif isinstance(value, tuple):
            shown = ", ".join(value) or "(none)"
        else:
            shown = str(value) or "(not set)"
        lines.append(f"{f.name} = {shown}")
    return lines


def check_config(settings: Settings) -> tuple[list[str], int]:
    """The report's lines and the exit status."""
    lines = ["effective configuration:", *(f"  {line}" for line in describe(settings))]
    lines += [f"warning: {w}" for w in startup_warnings(settings)]
    problems = startup_problems(settings)
    lines += [f"refusing to start: {p}" for p in problems]
    lines.append(f"{len(problems)} problem(s)" if problems else "configuration OK")
    return lines, 1 if problems else 0
