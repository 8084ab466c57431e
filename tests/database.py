"""A second, plain connection to the test's PostgreSQL server, outside Django: another process
as the database sees it (its own session, locks and transactions)."""

from __future__ import annotations

import psycopg2
from django.db import connection


def other_connection(dbname: str | None = None) -> psycopg2.extensions.connection:
    """An autocommit connection to `dbname` (default: the test database) with the settings
    Django uses."""
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=dbname or db["NAME"],
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
    )
    conn.autocommit = True
    return conn
