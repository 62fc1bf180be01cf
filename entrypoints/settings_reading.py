"""From an environment to a settings dataclass, with pydantic.

Each field of the dataclass declares its variable with `var()` (setting_types.py); a
field without one (like `warnings`) is worked out, never read. Reading:

- an empty variable counts as unset;
- a seed `VITE_*` name is read when the server-side name is unset, with a warning:
  anything with that prefix is bundled into browser code, so such a secret must be
  rotated (the server-side name wins, silently, when both are set);
- the caller adds the defaults that depend on other variables;
- pydantic's TypeAdapter checks every value and builds the dataclass; its refusals and
  the caller's checks of values that are wrong only together become one SettingsError,
  one line per problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, TypeVar, get_type_hints

from pydantic import AliasChoices, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from entrypoints.settings_errors import SettingsError, refusal_lines

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Variable:
    """The environment variable of one settings field."""

    name: str
    vite: str | None  # the seed's name, read when `name` is unset
    secret: bool  # declared with field(repr=False): out of repr, masked by check-config


def _names(annotation: object) -> list[str]:
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, FieldInfo) and meta.validation_alias is not None:
            alias = meta.validation_alias
            return [str(n) for n in alias.choices] if isinstance(alias, AliasChoices) \
                else [str(alias)]
    return []


@cache
def variables(cls: type) -> tuple[Variable, ...]:
    """The variables `cls` declares, in the order of its fields."""
    hints = get_type_hints(cls, include_extras=True)
    found = []
    for f in fields(cls):
        names = _names(hints[f.name])
        if names:
            found.append(Variable(names[0], names[1] if len(names) > 1 else None,
                                  secret=not f.repr))
    return tuple(found)


def _vite_warning(v: Variable) -> str:
    what = "secret: rotate it" if v.secret or "KEY" in (v.vite or "") else "value"
    return (f"{v.vite} is read as {v.name}; VITE_ variables are bundled into browser code, "
            f"so this {what} and rename the variable")


def variables_set(cls: type, environ: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The variables of `cls` that are set, by their server-side names, and a warning
    for each one read through its `VITE_*` name."""
    found: dict[str, str] = {}
    warnings = []
    for v in variables(cls):
        if environ.get(v.name, ""):
            found[v.name] = environ[v.name]
        elif v.vite and environ.get(v.vite, ""):
            found[v.name] = environ[v.vite]
            warnings.append(_vite_warning(v))
    return found, warnings


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(cls: type) -> TypeAdapter[Any]:
    """pydantic's validator of `cls`, built once."""
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def read_settings(cls: type[T], environ: Mapping[str, str],
                  with_defaults: Callable[[dict[str, str]], dict[str, Any]],
                  cross_checks: Callable[[dict[str, str]], list[str]]) -> T:
    """`cls` from `environ`. `with_defaults` takes the variables that are set and gives
    every value to validate (the defaults that depend on other variables added);
    `cross_checks` gives the problems of values that are wrong only together."""
    found, warnings = variables_set(cls, environ)
    problems = cross_checks(found)
    try:
        settings: T = _adapter(cls).validate_python({**with_defaults(found),
                                                     "warnings": tuple(warnings)})
    except ValidationError as error:
        raise SettingsError("\n".join(refusal_lines(error) + problems)) from None
    if problems:
        raise SettingsError("\n".join(problems))
    return settings
