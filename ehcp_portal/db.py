"""Small portable query helpers: the same code runs on PostgreSQL (production, tests) and on
the embedded SQLite default of `make run`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections
from django.db.models import Q


def json_list_has(field: str, value: str) -> Q:
    """Rows whose JSON list `field` holds `value` (e.g. a setting meeting the need "ASD").

    PostgreSQL answers with jsonb containment; SQLite has no JSON containment lookup, so there
    the list's text is searched for the quoted value, which matches whole elements only.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": json.dumps(value)})


@contextmanager
def session_lock(space: int, key: int) -> Iterator[bool]:
    """Run something in one process at a time across every node: yields whether this process
    holds PostgreSQL's session advisory lock (`space`, `key`), which it frees on leaving, or
    which the server frees if the process dies. The embedded SQLite default has one worker,
    so there it is always held."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [space, key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [space, key])


def commit_without_waiting_for_disk() -> None:
    """In the current transaction, let COMMIT return before its WAL reaches the disk
    (PostgreSQL's `synchronous_commit = off` for this transaction only). A crash can then lose
    the last such transactions, each whole, never part of one: only for work whose progress
    record commits with it, so that a lost commit is simply done again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


class BatchWriter:
    """Writes each batch on a second database connection, in its own thread, while the caller
    makes the next batch: work that is half Python and half database otherwise takes turns
    (the statutory sweep, the demo seed). One batch waits at most, so memory stays that of two
    batches; a failed write stops the caller with its error, and every batch before it is
    committed, in order, as without the thread. Each `write` runs its own transaction.

    On PostgreSQL outside a transaction only (work inside a caller's transaction, as in tests,
    must write on its connection; the embedded SQLite default has one writer), else each batch
    is written in turn on the caller's connection."""

    def __init__(self) -> None:
        threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.pool = ThreadPoolExecutor(max_workers=1) if threaded else None
        self.pending: Future[None] | None = None

    def write(self, write: Callable[..., None], *args: Any) -> None:
        if self.pool is None:
            write(*args)
            return
        self.wait()
        self.pending = self.pool.submit(write, *args)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()  # the write's own error, if it failed

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.wait()
        finally:
            if self.pool is not None:
                # The thread's connection is its own: closed in it, then the thread ends.
                self.pool.submit(connections.close_all).result()
                self.pool.shutdown()
