"""Callbacks acknowledged together, on both engines: on PostgreSQL they share INSERTs
(group commit, adapters/sql/group_commit.py) through the intake's own pool, on SQLite
write transactions under its one writer. Either way every callback is stored exactly once, a
redelivery (same dedupe key, even in the same statement) is answered as a duplicate, and
a row the table refuses fails alone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.driver_pool import driver_pool_for
from application.ports import InboxItem
from tests.support.builders import T0

pytestmark = pytest.mark.integration


def item(n: int, dedupe: str | None = None, paylink: str | None = None) -> InboxItem:
    return InboxItem(id=f"cbk_group_{n}", dedupe_key=dedupe or f"group-{n}",
                     paylink_id=paylink or f"pl_{n}", raw_body=b'{"status":"SUCCESS"}',
                     headers={"ik-appid": "app"}, received_at=T0,
                     next_attempt_at=T0 + timedelta(minutes=1))


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_parallel_callbacks_are_each_stored_once(sql_engine: AsyncEngine):
    pool = driver_pool_for(sql_engine.url.render_as_string(hide_password=False))
    intake = SqlCallbackIntake(sql_engine, pool)
    try:
        # 150 callbacks, and 50 redeliveries of the first 50 racing them
        items = [item(n) for n in range(150)] + [
            item(1000 + n, dedupe=f"group-{n}") for n in range(50)]
        answers = await asyncio.gather(*(intake.accept(i) for i in items))
    finally:
        if pool is not None:
            await pool.close()
    async with sql_engine.connect() as conn:
        stored = (await conn.execute(text(
            "SELECT dedupe_key, count(*) FROM webhook_inbox WHERE id LIKE 'cbk_group_%' "
            "GROUP BY dedupe_key"))).all()
    assert len(stored) == 150 and {count for _, count in stored} == {1}
    assert answers.count(True) == 150  # per key exactly one caller was told "stored"
    for n in range(50):
        assert [answers[n], answers[150 + n]].count(True) == 1


@pytest.mark.parametrize("sql_engine", ["sqlite", "postgres"], indirect=True)
async def test_a_row_the_table_refuses_fails_alone(sql_engine: AsyncEngine):
    pool = driver_pool_for(sql_engine.url.render_as_string(hide_password=False))
    intake = SqlCallbackIntake(sql_engine, pool)
    try:
        answers = await asyncio.gather(
            intake.accept(item(2000)), intake.accept(item(2001, paylink="p" * 500)),
            intake.accept(item(2002)), return_exceptions=True)
    finally:
        if pool is not None:
            await pool.close()
    assert answers[0] is True and answers[2] is True
    if sql_engine.dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        assert isinstance(answers[1], Exception)
