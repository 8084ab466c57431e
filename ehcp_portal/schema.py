"""Is the database's schema the one this code was written for?

Web, worker and beat refuse to start while a migration of this code is unapplied (a deploy's
migrate step has not finished, or failed), and the readiness endpoint says "not ready" meanwhile:
new code never serves requests or runs tasks on the old schema. Migrations applied that this code
does not know (the next release's, during a rollback) are fine by the expand/contract policy
(docs/adr/0013-expand-contract-migrations.md): the old code still works on the expanded schema.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@functools.cache
def _code_migrations() -> tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...]:
    # Read from disk once per process: the code's migrations cannot change while it runs.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return tuple(
        (key, tuple(loader.graph.nodes[key].replaces or ())) for key in sorted(loader.graph.nodes)
    )


def migrations_unapplied(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """This code's migrations the database has not applied, as "app.name" (two queries)."""
    applied = set(MigrationRecorder(connections[using]).applied_migrations())
    return [
        f"{app}.{name}"
        for (app, name), replaces in _code_migrations()
        if (app, name) not in applied and not (replaces and all(r in applied for r in replaces))
    ]


def schema_problem(process: str) -> str | None:
    """Called as web, worker and beat start: wait up to SCHEMA_WAIT_SECONDS for the deploy's
    migrate step; then None if the schema is this code's, else why the process must not start."""
    if not getattr(settings, "SCHEMA_CHECK_AT_START", True):
        return None
    deadline = time.monotonic() + getattr(settings, "SCHEMA_WAIT_SECONDS", 0)
    while True:
        try:
            unapplied = migrations_unapplied()
            problem = f"{len(unapplied)} unapplied migration(s): {', '.join(unapplied[:5])}"
        except Exception as exc:  # the database is unreachable: also not ready
            unapplied, problem = ["?"], f"the database is unreachable ({type(exc).__name__})"
        if not unapplied:
            connections.close_all()  # not inherited by forked processes
            return None
        if time.monotonic() >= deadline:
            return (
                f"EHCP portal {process} refuses to start on the wrong schema: {problem}. "
                "Run `python manage.py migrate` (the deploy's migrate step) first."
            )
        time.sleep(2)


def schema_ready_or_exit(process: str) -> None:
    """For Celery's start-up signals, whose receivers' exceptions are only logged."""
    problem = schema_problem(process)
    if problem:
        raise SystemExit(problem)
