from tests.support.databases import (  # noqa: F401  (fixtures)
    backend,
    postgres_engine,
    postgres_url,
    scratch_postgres_url,
    sql_engine,
    sqlite_engine,
)


def pytest_sessionfinish(session, exitstatus):
    from tests.reliability.figures import write

    write()
