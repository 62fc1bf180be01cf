"""Sandbox pages: pick a course, Buy, pay on the simulator's checkout page, come back
to a status page that updates live (SSE) until the course shows as unlocked.

This module puts the pages under /sandbox: the course pages and Buy are
course_routes.py (each course's card, showing where the student stands with it, in
course_cards.py), the student's payment pages payment_routes.py, the admin view
admin.py. Who is browsing (the demo student's cookie) is visitor.py.
"""

from __future__ import annotations

from litestar import Router

from entrypoints.container import Container
from entrypoints.http.sandbox.admin import admin_router
from entrypoints.http.sandbox.course_routes import course_routes
from entrypoints.http.sandbox.demo import SandboxDemo
from entrypoints.http.sandbox.payment_routes import payment_routes


def sandbox_router(container: Container, demo: SandboxDemo) -> Router:
    return Router(path="/sandbox", route_handlers=[*course_routes(container, demo),
                                                    *payment_routes(container, demo),
                                                    admin_router(container, demo)],
                  include_in_schema=False)
