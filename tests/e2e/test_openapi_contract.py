"""The OpenAPI document tells integrators the truth about three things a generated
client depends on (issue 16: Litestar's default error body was advertised next to
problem+json, the WebSocket route was missing, operation ids were made up from paths):

- every error answer (4xx, 5xx) is application/problem+json and nothing else;
- the live-events WebSocket is a documented path;
- every operation's id is declared on its route (`operation_id=`), unique, so a client
  generator's method names change only when someone edits the route.
"""

from __future__ import annotations

import pytest
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

pytestmark = pytest.mark.e2e
METHODS = ("get", "put", "post", "delete", "patch")


def _operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_error_answers_are_problem_json_only(api):
    spec = api.client.get("/schema/openapi.json").json()
    wrong = {(path, method, status): sorted(response.get("content", {}))
             for path, method, op in _operations(spec)
             for status, response in op["responses"].items()
             if status[:1] in "45"
             and sorted(response.get("content", {})) != ["application/problem+json"]}
    assert wrong == {}
    assert "status_code" not in str(spec["components"]["schemas"])  # Litestar's own body


def test_the_websocket_route_is_documented(api):
    spec = api.client.get("/schema/openapi.json").json()
    item = spec["paths"]["/api/v1/events/ws"]
    assert item["x-websocket"]["protocol"] == "websocket"
    assert "4401" in item["x-websocket"]["close_codes"]
    handshake = item["get"]
    assert set(handshake["responses"]) == {"101"}
    assert handshake["operationId"] == "streamEventsWebSocket"
    assert any(p["name"] == "access_token" for p in handshake["parameters"])


def test_every_operation_declares_its_own_unique_id(api):
    app = api.client.app
    undeclared = sorted(
        f"{handler.handler_name} {sorted(handler.http_methods)} {route.path}"
        for route in app.routes if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if isinstance(handler, HTTPRouteHandler) and handler.resolve_include_in_schema()
        and not isinstance(handler.operation_id, str))
    assert undeclared == [], "add operation_id= to these route decorators"
    spec = api.client.get("/schema/openapi.json").json()
    ids = [op.get("operationId") for _, _, op in _operations(spec)]
    assert None not in ids and len(ids) == len(set(ids)), ids
