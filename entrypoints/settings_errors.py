"""The error settings raise, and how a refused value becomes its line.

A kind of value (setting_types.py, safety_settings.py, rotation_settings.py) refuses
with a `ValueError` saying what the value must be; pydantic reports where (the
variable's name). Here the two become one line, `NAME must be ...`, or `NAME: ...` for a
refusal about one part of the value. The value itself is never quoted: it may be a
secret. Nothing here imports the settings.
"""

from __future__ import annotations

from pydantic import ValidationError


class SettingsError(ValueError):
    """The environment cannot be turned into settings; one line per problem."""


def refusal_lines(error: ValidationError) -> list[str]:
    lines = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else "settings"  # the variable
        cause = problem.get("ctx", {}).get("error")
        # pydantic's own texts are not shown: some of them quote the value
        text = str(cause) if isinstance(cause, ValueError) else "must be a valid value"
        lines.append(f"{name} {text}" if text.startswith("must ") else f"{name}: {text}")
    return lines
