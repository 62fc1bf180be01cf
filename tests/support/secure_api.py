"""An app on memory storage and the fake gateway, built from a chosen environment, with
a settable clock for the rate limits (the e2e `api` fixture with the knobs of issue 7)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from dependency_injector import providers

from adapters.fake.gateway import FakeGateway
from adapters.system.clock import SystemClock
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.e2e.conftest import Api
from tests.support.settling_client import SettlingTestClient

BASE_ENV = {"SKILLPAY_ENV": "test", "SKILLPAY_DATABASE_URL": "memory://",
            "SKILLPAY_PUBLIC_URL": "https://pay.example.test"}


@dataclass
class ManualClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class SecureApi(Api):
    clock: ManualClock = field(default_factory=ManualClock)
    settings: Settings | None = None


@contextmanager
def secure_api(env: Mapping[str, str] | None = None,
               base_url: str = "http://testserver.local", **client: Any) -> Iterator[SecureApi]:
    settings = Settings.from_env({**BASE_ENV, **(env or {})})
    container = build_container(settings)
    gateway = FakeGateway(SystemClock())
    container.gateway.override(gateway)
    clock = ManualClock()
    container.monotonic.override(providers.Object(clock))
    app = create_app(container, run_background=False)
    with SettlingTestClient(app, base_url=base_url, **client) as test_client:
        yield SecureApi(test_client, gateway, container.tokens(), clock, settings)
