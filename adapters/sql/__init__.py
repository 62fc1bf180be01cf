"""Durable state on SQLite (aiosqlite) or PostgreSQL (asyncpg) through SQLModel tables.

Table classes never leave this package: repositories map rows to domain entities and
back explicitly, so the domain stays free of persistence concerns.
"""
