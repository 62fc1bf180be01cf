"""What the parts of the settings share: the error they raise and how they read a variable.

settings.py and the modules it reads with (safety_settings.py, rotation_settings.py)
import this one; the checks of finished settings (safety.py, rotation_checks.py) import
settings.py. Nothing imports back.
"""

from __future__ import annotations

from collections.abc import Callable

# A variable's value by name, with an optional default (VITE_ fallbacks included).
Get = Callable[..., "str | None"]


class SettingsError(ValueError):
    """The environment cannot be turned into settings; one line per problem."""
