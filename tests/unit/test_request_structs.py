"""No mass assignment: every request Struct of the HTTP API refuses unknown fields."""

import inspect

import msgspec
import pytest

from entrypoints.http import schemas

pytestmark = pytest.mark.unit

RESPONSE_SUFFIXES = ("Out", "Page", "Trail", "Problem")
REQUEST_STRUCTS = [
    cls for _, cls in inspect.getmembers(schemas, inspect.isclass)
    if issubclass(cls, msgspec.Struct) and cls.__module__ == schemas.__name__
    and not cls.__name__.endswith(RESPONSE_SUFFIXES)
]


def _sample(info):
    """A minimal valid JSON value for a field type (enough to reach the unknown-field check)."""
    if isinstance(info, msgspec.inspect.Metadata):
        return _sample(info.type)
    if isinstance(info, msgspec.inspect.StrType):
        return "ZAR" if info.pattern else "x"
    if isinstance(info, msgspec.inspect.IntType):
        return 100
    if isinstance(info, msgspec.inspect.BoolType):
        return True
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
