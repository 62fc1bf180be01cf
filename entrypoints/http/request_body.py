"""Every request body is parsed once, and a handler's `data` is built from that parse.

The card-data guard (card_data_guard.py) reads the bytes off the wire and calls
`parsed_json`, the one place a body is decoded; the value is kept in the request's
scope. A handler that declares `data: SomeBody` (a `RequestBody`) gets it from
`StrictBody`, a Litestar DTO that `StrictBodyPlugin` attaches to such handlers: it
converts the guard's value with msgspec in strict mode (the string "100" or 499.0 is
not the integer 100: amounts are integer cents), so Litestar neither parses the body
again nor converts it leniently. A field's error names its path; a body that is not JSON
answers `malformed_json`.
"""

from __future__ import annotations

from collections.abc import Generator, MutableMapping
from typing import Any, Final, TypeVar

import msgspec
from litestar.dto import AbstractDTO, DTOFieldDefinition
from litestar.exceptions import ValidationException
from litestar.openapi.spec import Reference, Schema
from litestar.plugins import SerializationPlugin
from litestar.typing import FieldDefinition

from application.errors import InvalidInput

T = TypeVar("T")
UNPARSABLE: Final = object()
_KEY: Final = "skillpay.json_body"


class RequestBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every request body: nothing unknown is silently ignored or mass-assigned."""


def parsed_json(scope: MutableMapping[str, Any], raw: bytes) -> Any:
    """The body as JSON values (`UNPARSABLE` if it is not JSON), decoded once per request."""
    state = scope.setdefault("state", {})
    if _KEY not in state:
        try:
            state[_KEY] = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            state[_KEY] = UNPARSABLE
    return state[_KEY]


def _path(error: str) -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$.price.amount`" as (path, message);
    the body itself is `data`, as Litestar names it."""
    message, _, where = error.partition(" - at `$")
    return where.rstrip("`").removeprefix(".") or "data", message


def strict(scope: MutableMapping[str, Any], raw: bytes, kind: type[T]) -> T:
    value = parsed_json(scope, raw)
    if value is UNPARSABLE:
        raise InvalidInput("the body is not valid JSON", "malformed_json")
    try:
        return msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as problem:
        key, message = _path(str(problem))
        raise ValidationException(detail=message, extra=[{"key": key, "message": message}]
                                  ) from None


class StrictBody(AbstractDTO[T]):
    """`data` converted strictly from the guard's parse: no backend, no transfer model;
    the OpenAPI request body is the Struct's own schema."""

    def decode_bytes(self, value: bytes) -> T:
        return strict(self.asgi_connection.scope, value, self.model_type)

    def decode_builtins(self, value: dict[str, Any]) -> T:
        return msgspec.convert(value, self.model_type, strict=True)

    @classmethod
    def create_for_field_definition(cls, field_definition: FieldDefinition, handler_id: str,
                                    backend_cls: Any = None) -> None:
        """Nothing to build: msgspec converts to the Struct itself."""

    @classmethod
    def create_openapi_schema(cls, field_definition: FieldDefinition, handler_id: str,
                              schema_creator: Any) -> Reference | Schema:
        return schema_creator.for_field_definition(  # type: ignore[no-any-return]
            FieldDefinition.from_annotation(cls.model_type,
                                            kwarg_definition=field_definition.kwarg_definition))

    @classmethod
    def generate_field_definitions(cls, model_type: type[Any]
                                   ) -> Generator[DTOFieldDefinition, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False


class StrictBodyPlugin(SerializationPlugin):
    """Attaches `StrictBody` to every handler whose `data` is a `RequestBody`."""

    def supports_type(self, field_definition: FieldDefinition) -> bool:
        return field_definition.is_subclass_of(RequestBody)

    def create_dto_for_type(self, field_definition: FieldDefinition) -> type[AbstractDTO[Any]]:
        return StrictBody[field_definition.annotation]  # type: ignore[name-defined]
