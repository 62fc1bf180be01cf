"""The iKhokha callback route in the OpenAPI document.

The route is a plain ASGI route (controllers/webhooks.py says why), which Litestar
leaves out of the document, so it is described here as Litestar described it when it
was a `@post` handler: the same operation id, tag, summary, 200 body and no security
(the signature is the authentication). complete_openapi adds the problem answers, as
for every operation.
"""

from __future__ import annotations

from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    PathItem,
    Reference,
    Schema,
)

CALLBACK_PATH = "/webhooks/ikhokha"
CALLBACK_ACK_SCHEMA = Schema(
    type=OpenAPIType.OBJECT, title="CallbackAck", required=["duplicate", "received"],
    properties={"received": Schema(type=OpenAPIType.BOOLEAN),
                "duplicate": Schema(type=OpenAPIType.BOOLEAN)})


def callback_path_item() -> PathItem:
    ack = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/CallbackAck"))
    return PathItem(post=Operation(
        tags=["webhooks"], summary="iK Pay callback (signed with IK-SIGN)",
        operation_id="receiveIkhokhaCallback", deprecated=False, security=[],
        responses={"200": OpenAPIResponse(description="Request fulfilled, document follows",
                                          headers={}, content={"application/json": ack})}))
