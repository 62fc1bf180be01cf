"""`skillpay migrate downgrade base` then `upgrade` round-trips, through the CLI."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def migrate(url: str, *args: str) -> str:
    env = {**os.environ, "SKILLPAY_DATABASE_URL": url, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-m", "entrypoints.cli", "migrate", *args],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    return request.getfixturevalue("scratch_postgres_url")


def test_migrate_round_trips_through_the_cli(database_url):
    assert "none" in migrate(database_url, "current")
    head = migrate(database_url, "upgrade").strip().rsplit(" ", 1)[-1]
    assert head != "(empty" and head in migrate(database_url, "current")
    assert "none" in migrate(database_url, "downgrade", "base")
    assert head in migrate(database_url, "upgrade", "head")
