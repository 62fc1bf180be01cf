"""Complete the generated OpenAPI description with what cannot be said where a route is
declared. Everything that can is declared there: each route's `operation_id=`, its
request body (the `data` Struct, see request_body.py) and its answer (the annotation).

What stays here, and why:
- Every error answer as application/problem+json, and nothing else: Litestar has no
  app- or router-level `responses`, and it advertises its own `{status_code, detail,
  extra}` body for 400, which this service never sends.
- `security: []` on the routes that need no token (health, metrics, the webhook, the
  return page): they declare `security=[]`, but Litestar writes an empty list as "not
  set" (`resolve_security() or None`), so they would inherit the app's bearer token.
- `text/csv` beside JSON for the payment history's 200: a `ResponseSpec` names one media
  type per status.
- The success body alone where a handler may also return a ready-made Response (its
  annotation says so, e.g. `Ready | Response[Readiness503]`): Litestar documents that
  union under the success status, with an empty schema for the Response.
- Idempotency-Key shown as required where docs/api.md makes it so: declared required,
  Litestar would refuse a missing key with its own 400 before the handler answers
  `idempotency_key_missing` (a documented, tested answer).
- The WebSocket route: OpenAPI has no WebSocket operation (see ws_doc.py).
"""

from __future__ import annotations

from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    Schema,
)

from entrypoints.http.callback_doc import CALLBACK_ACK_SCHEMA, CALLBACK_PATH, callback_path_item
from entrypoints.http.ws_doc import EVENTS_WS_PATH, events_ws_path_item

PROBLEM_STATUSES = {
    "400": "Malformed or invalid request", "401": "Missing, invalid or expired token",
    "403": "The role may not do this (or HTTPS is required)",
    "404": "Not found (or not yours)", "409": "Conflicts with the current state",
    "413": "Body too large", "422": "Valid JSON that breaks a rule",
    "429": "Too many requests", "500": "Unexpected failure", "502": "Gateway failure",
    "503": "A dependency is unavailable (retry)", "504": "Gateway timed out (retry)",
}
PROBLEM_JSON = "application/problem+json"
PUBLIC_PREFIXES = ("/health/", "/metrics", "/webhooks/", "/checkout/")
CSV_EXPORTS = {("/api/v1/payments", "get")}
IDEMPOTENT_CREATES = {("/api/v1/payments", "post"),
                      ("/api/v1/payments/{payment_id}/refunds", "post")}

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["type", "title", "status", "detail", "code", "category", "retryable",
              "user_message"],
    properties={
        "type": Schema(type=OpenAPIType.STRING), "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER), "detail": Schema(type=OpenAPIType.STRING),
        "code": Schema(type=OpenAPIType.STRING, description="stable machine code"),
        "category": Schema(type=OpenAPIType.STRING, enum=[
            "network", "validation", "gateway", "payment_declined", "system"]),
        "retryable": Schema(type=OpenAPIType.BOOLEAN),
        "user_message": Schema(type=OpenAPIType.STRING, description="safe to show a student"),
        "instance": Schema(type=OpenAPIType.STRING),
    },
    description="RFC 9457 problem details with Beta Skill's extension members")


def _operations(openapi: OpenAPI) -> list[tuple[str, str, Operation]]:
    found = []
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if operation is not None:
                found.append((path, method, operation))
    return found


def _body_alone(response: OpenAPIResponse) -> None:
    """Drop the empty member Litestar writes for a ready-made Response in a handler's
    return union (`Ready | Response[Readiness503]`, `PaymentPage | CsvStream`): its
    status and media type are declared on their own, so the success answer is the body."""
    for media in (response.content or {}).values():
        schema = media.schema
        if isinstance(schema, Schema) and schema.one_of:
            bodies = [s for s in schema.one_of if s != Schema()]
            if len(bodies) == 1:
                media.schema = bodies[0]
            elif len(bodies) < len(schema.one_of):
                schema.one_of = bodies


def complete_openapi(openapi: OpenAPI) -> None:
    if openapi.components.schemas is None:
        openapi.components.schemas = {}
    openapi.components.schemas["Problem"] = PROBLEM_SCHEMA
    openapi.components.schemas["CallbackAck"] = CALLBACK_ACK_SCHEMA
    openapi.paths = {**(openapi.paths or {}), CALLBACK_PATH: callback_path_item()}
    problem = OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))
    for path, method, operation in _operations(openapi):
        responses = operation.responses if operation.responses is not None else {}
        for status, description in PROBLEM_STATUSES.items():
            if not isinstance(responses.get(status), OpenAPIResponse):
                responses[status] = OpenAPIResponse(description=description)
        for status, existing in responses.items():
            if status[:1] == "2" and isinstance(existing, OpenAPIResponse):
                _body_alone(existing)
            if status[:1] in "45" and isinstance(existing, OpenAPIResponse):
                content = existing.content or {}
                if set(content) - {PROBLEM_JSON}:  # Litestar's own error body: not ours
                    existing.description = PROBLEM_STATUSES.get(status, existing.description)
                own = content.get(PROBLEM_JSON)  # e.g. readiness's failing checks
                existing.content = {PROBLEM_JSON: own or problem}
        operation.responses = responses
        ok = responses.get("200")
        if (path, method) in CSV_EXPORTS and isinstance(ok, OpenAPIResponse):
            ok.content = {**(ok.content or {}), "text/csv": OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, description="every page, as CSV"))}
        if path.startswith(PUBLIC_PREFIXES):
            operation.security = []
        if (path, method) in IDEMPOTENT_CREATES:
            for parameter in operation.parameters or []:
                if isinstance(parameter, Parameter) and parameter.name.lower() == "idempotency-key":
                    parameter.required = True
    openapi.paths = {**(openapi.paths or {}), EVENTS_WS_PATH: events_ws_path_item()}
