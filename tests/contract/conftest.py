from tests.support.databases import (  # noqa: F401  (fixtures)
    backend,
    postgres_engine,
    postgres_url,
    sqlite_engine,
)
