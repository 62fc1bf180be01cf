"""The composition root an app was built from (its `ContainerPlugin`), for tests that
reach behind the HTTP API: the app keeps no services in `app.state`."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from entrypoints.container import Container
from entrypoints.http.dependencies import ContainerPlugin


def container_of(app: Litestar | Any) -> Container:
    return app.plugins.get(ContainerPlugin).container  # type: ignore[no-any-return]
