"""The kinds of value an environment variable holds, each with the refusal it gives.

A `Settings` field (settings.py) is declared as `Annotated[<kind>, var("NAME")]`: these
are the kinds, as pydantic validators. A value is refused with a `ValueError` whose text
follows the variable's name ("must ..." after a space, anything else after a colon, see
settings_errors.py); the text never quotes the value, which may be a secret.
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AliasChoices, BeforeValidator, Field

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def var(name: str, vite: str | None = None) -> Any:
    """The variable a field is read from; `vite` is the seed's `VITE_*` name, read when
    `name` is not set (with a warning: such names are bundled into browser code)."""
    return Field(validation_alias=AliasChoices(name, vite) if vite else name)


def _flag(value: object) -> object:
    if not isinstance(value, str):
        return value
    lowered = value.strip().lower()
    if lowered in _TRUE + _FALSE:
        return lowered in _TRUE
    raise ValueError("must be true or false")


def _whole_number(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return int(value)
    except ValueError:
        raise ValueError("must be a whole number") from None


def between(low: int, high: int, note: str = "") -> AfterValidator:
    """Bounds of a whole number, both included; `note` says what an end means."""
    refusal = f"must be between {low} and {high}" + (f" ({note})" if note else "")

    def check(number: int) -> int:
        if not low <= number <= high:
            raise ValueError(refusal)
        return number

    return AfterValidator(check)


def one_of(*choices: str, lowered: bool = False) -> BeforeValidator:
    """A value among `choices` (compared in lower case when `lowered`)."""
    refusal = f"must be {', '.join(choices[:-1])} or {choices[-1]}"

    def check(value: object) -> object:
        if isinstance(value, str) and lowered:
            value = value.lower()
        if value not in choices:
            raise ValueError(refusal)
        return value

    return BeforeValidator(check)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def comma_list(value: object) -> object:
    """`a, b` is ("a", "b"); blanks between commas are dropped."""
    if not isinstance(value, str):
        return value
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _timezone(value: str) -> str:
    """An IANA zone name such as Africa/Johannesburg (the platform's days start there)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory ("Africa")
        raise ValueError("must be an IANA timezone such as Africa/Johannesburg") from None
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]
Whole = Annotated[int, BeforeValidator(_whole_number)]
Trimmed = Annotated[str, BeforeValidator(_strip)]
Url = Annotated[str, AfterValidator(lambda url: url.rstrip("/"))]  # no trailing slash
Names = Annotated[tuple[str, ...], BeforeValidator(comma_list)]
Timezone = Annotated[str, BeforeValidator(_strip), AfterValidator(_timezone)]
