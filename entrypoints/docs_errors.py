"""Generate docs/errors.md from the error catalogue (`make docs`); a test keeps it true."""

from __future__ import annotations

from domain.classification import CATALOGUE


def render() -> str:
    lines = [
        "# Error codes",
        "",
        "Generated from `domain/classification.py` by `make docs`; "
        "`tests/unit/test_classification.py` fails when this file is stale.",
        "",
        "Every failure is classified into exactly one of these. The HTTP API answers with an",
        "`application/problem+json` body carrying `code`, `category`, `retryable` and",
        "`user_message`, with the HTTP status below.",
        "",
        "| code | category | HTTP | retryable | severity | user message |",
        "|---|---|---|---|---|---|",
    ]
    for code, c in CATALOGUE.items():
        lines.append(f"| `{code}` | {c.category.value} | {c.http_status} | "
                     f"{'yes' if c.retryable else 'no'} | {c.severity.value} | {c.user_message} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
