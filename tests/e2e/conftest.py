"""An app on memory storage and the fake gateway, driven through Litestar's client."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.fake.gateway import FakeGateway
from adapters.system.clock import SystemClock
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.settling_client import SettlingTestClient

COURSES = itertools.count(1)


@dataclass
class Api:
    client: TestClient[Any]
    gateway: FakeGateway
    tokens: Any

    def auth(self, sub: str, role: str = "student") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(sub, role)}"}

    def enrollment(self, student_id: str = "stu-1", amount: int = 49900,
                   course_id: str | None = None) -> dict[str, Any]:
        """A new enrollment; each in its own course unless said (one purchase per course)."""
        course_id = course_id or f"course-{next(COURSES)}"
        r = self.client.post("/api/v1/enrollments", headers=self.auth("platform", "service"),
                             json={"student_id": student_id, "course_id": course_id,
                                   "price": {"amount": amount, "currency": "ZAR"}})
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def checkout(self, enrollment_id: str, sub: str = "stu-1",
                 key: str = "checkout-key-0000001") -> Any:
        return self.client.post("/api/v1/payments", json={"enrollment_id": enrollment_id},
                                headers={**self.auth(sub), "Idempotency-Key": key})


@pytest.fixture
def api() -> Iterator[Api]:
    settings = Settings.from_env({"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": "memory://",
                                  "SKILLPAY_PUBLIC_URL": "https://pay.example.test"})
    container = build_container(settings)
    gateway = FakeGateway(SystemClock())
    container.gateway.override(gateway)
    app = create_app(container)
    with SettlingTestClient(app) as client:
        yield Api(client, gateway, container.tokens())
