"""No mass assignment: every request Struct of the HTTP API refuses unknown fields.

The request Structs are read from the app's route table (every handler's `data` body) with
the Structs nested inside them, so a new endpoint's body is checked without listing it.
"""

import msgspec
import pytest

pytestmark = pytest.mark.unit


def _nested_structs(kind, found):
    if kind in found:
        return
    found.add(kind)
    for f in msgspec.structs.fields(kind):
        for candidate in _struct_types(msgspec.inspect.type_info(f.type)):
            _nested_structs(candidate, found)


def _struct_types(info):
    if isinstance(info, msgspec.inspect.StructType):
        return [info.cls]
    if isinstance(info, msgspec.inspect.Metadata):
        return _struct_types(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        return [c for t in info.types for c in _struct_types(t)]
    if isinstance(info, (msgspec.inspect.ListType, msgspec.inspect.SetType)):
        return _struct_types(info.item_type)
    return []


def _request_structs():
    from entrypoints.container import build_container
    from entrypoints.http.app import create_app
    from entrypoints.settings import Settings
    from tests.support.secure_api import BASE_ENV

    app = create_app(build_container(Settings.from_env(BASE_ENV)), run_background=False)
    found: set = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None and isinstance(data.type_, type) \
                    and issubclass(data.type_, msgspec.Struct):
                _nested_structs(data.type_, found)
    return sorted(found, key=lambda c: c.__name__)


REQUEST_STRUCTS = _request_structs()


def _sample(info):
    """A minimal valid JSON value for a field type (enough to reach the unknown-field check)."""
    if isinstance(info, msgspec.inspect.Metadata):
        return _sample(info.type)
    if isinstance(info, msgspec.inspect.StrType):
        return "ZAR" if info.pattern else "x"
    if isinstance(info, msgspec.inspect.LiteralType):
        return info.values[0]
    if isinstance(info, msgspec.inspect.IntType):
        return 100
    if isinstance(info, msgspec.inspect.BoolType):
        return True
    if isinstance(info, msgspec.inspect.DateType):
        return "2026-11-01"
    if isinstance(info, msgspec.inspect.UnionType):
        return _sample(info.types[0])
    if isinstance(info, msgspec.inspect.StructType):
        return {f.encode_name: _sample(f.type) for f in info.fields if f.required}
    if isinstance(info, msgspec.inspect.ListType):
        return []
    return None


def test_there_are_request_structs_to_check():
    assert {"CreateEnrollmentBody", "CreatePaymentBody", "MoneyBody"} <= {
        c.__name__ for c in REQUEST_STRUCTS}


@pytest.mark.parametrize("struct", REQUEST_STRUCTS, ids=lambda c: c.__name__)
def test_request_struct_forbids_unknown_fields(struct):
    assert struct.__struct_config__.forbid_unknown_fields, struct.__name__
    body = _sample(msgspec.inspect.type_info(struct))
    msgspec.json.decode(msgspec.json.encode(body), type=struct, strict=True)  # valid as is
    for extra in ({"student_id": "someone-else"}, {"status": "succeeded"}, {"role": "admin"}):
        name = next(iter(extra))
        if name in body:
            continue
        with pytest.raises(msgspec.ValidationError, match="unknown field"):
            msgspec.json.decode(msgspec.json.encode({**body, **extra}), type=struct, strict=True)
