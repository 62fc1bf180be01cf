from tests.support.databases import (  # noqa: F401  (fixtures)
    backend, postgres_engine, postgres_url, sqlite_engine,
)
from tests.support.databases import scratch_postgres_url, sql_engine  # noqa: F401,E402
