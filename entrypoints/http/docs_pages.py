"""Pages for people: a landing page at `/` and browsable API docs that work offline.

Swagger UI's assets are served by the service itself from the `swagger-ui-bundle-v2`
package (no CDN): the docs render on a machine with no internet, and no third party
learns who reads them. The landing page links everything a newcomer looks for.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Response, get
from litestar.di import NamedDependency
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"


def swagger_plugin() -> SwaggerRenderPlugin:
    """Swagger UI at /schema/swagger, loading its scripts and styles from this service."""
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS}/swagger-ui-bundle.js", css_url=f"{ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS}/favicon-32x32.png'>")


def swagger_assets() -> Any:
    return create_static_files_router(path=ASSETS, directories=[str(swagger_ui_path)],
                                      include_in_schema=False, name="docs-assets")


_LINKS = (
    ("/sandbox", "Sandbox", "buy a course as a student, pay on the iK Pay simulator",
     "sandbox"),
    ("/schema/swagger", "API documentation", "every route, its body and its answers", ""),
    ("/schema/openapi.json", "OpenAPI document", "the same, as JSON for tools", ""),
    ("/admin", "Operator console", "success rate, charts, payments held for review", ""),
    ("/health/ready", "Health", "database (and Redis) reachable and migrated", ""),
    ("/metrics", "Metrics", "Prometheus text format", ""),
)


@get("/", media_type=MediaType.HTML, include_in_schema=False)
async def landing_page(sandbox: NamedDependency[bool]) -> Response[str]:
    items = "".join(
        f"<li><a href='{href}'>{title}</a> <span>{what}</span></li>"
        for href, title, what, needs in _LINKS if not needs or sandbox)
    html = ("<!doctype html><html lang=en><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            "<title>Beta Skill Payments</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
            "padding:0 1rem;line-height:1.5}li{margin:.6rem 0}span{color:#555;display:block;"
            "font-size:.9rem}a{font-weight:600}</style>"
            "<h1>Beta Skill Payments</h1><p>Course payments through iKhokha's iK Pay: a "
            "course unlocks when the money is really there.</p>"
            f"<ul>{items}</ul></html>")
    return Response(html, media_type=MediaType.HTML)
