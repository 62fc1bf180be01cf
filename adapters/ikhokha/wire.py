"""iK Pay wire shapes as msgspec Structs. Private to adapters/ikhokha/ (the simulator
has its own, so that it checks these names instead of sharing them).

Every response is decoded into a Struct so a missing member or a wrong type becomes
`gateway_malformed_response` instead of a KeyError deep in a use-case, or worse, a
false success. Field names are the gateway's (note the capital ID in `paylinkID`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from domain.classification import ClassifiedFailure

T = TypeVar("T")


class Urls(msgspec.Struct, forbid_unknown_fields=False):
    callbackUrl: str
    successPageUrl: str
    failurePageUrl: str
    cancelUrl: str


class CreatePaylinkBody(msgspec.Struct, omit_defaults=True):
    entityID: str
    amount: int
    currency: str
    requesterUrl: str
    mode: str
    externalTransactionID: str
    urls: Urls
    externalEntityID: str | None = None
    description: str | None = None
    paymentReference: str | None = None


class CreatePaylinkResponse(msgspec.Struct):
    responseCode: str
    paylinkUrl: str | None = None
    paylinkID: str | None = None
    externalTransactionID: str | None = None
    message: str | None = None


class StatusResponse(msgspec.Struct):
    paylinkID: str
    status: str
    amount: int | None = None
    currency: str | None = None
    externalTransactionID: str | None = None
    createdAt: str | None = None


class CallbackBody(msgspec.Struct):
    paylinkID: str
    status: str
    externalTransactionID: str | None = None
    responseCode: str | None = None
    text: str | None = None


def encode(body: msgspec.Struct) -> bytes:
    """Compact JSON, UTF-8 kept raw (ensure_ascii=False), `/` not escaped: the bytes
    that get signed AND sent."""
    return msgspec.json.encode(body)


def decode_json(raw: bytes) -> Any:
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise ClassifiedFailure("gateway_malformed_response", "body is not JSON") from None


def convert(data: Any, into: type[T]) -> T:
    """Shape-check already-decoded JSON; a mismatch is the gateway's fault."""
    try:
        return msgspec.convert(data, into)
    except msgspec.ValidationError as exc:
        raise ClassifiedFailure("gateway_malformed_response",
                                f"unexpected {into.__name__}: {exc}") from None
