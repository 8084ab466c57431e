"""Benchmark: the daily sweep over 100,000 (or BENCH_CASES) cases.

    createdb -h 127.0.0.1 -U postgres ehcp_bench6
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ehcp_bench6 .venv/bin/python bench/sweep.py
    # at 1,000,000, on a database seeded by `bench/seed_demo.sh ehcp_bench_1m 1000000`:
    DATABASE_URL=.../ehcp_bench_1m BENCH_CASES=1000000 .venv/bin/python bench/sweep.py

Migrates, seeds `seed_demo --cases 100000` if the database has fewer cases, removes the
messages an earlier run queued (so this is a first run of the day), then runs the sweep three
times: today (the first run also catches up every breach already in the demo data), today again
(idempotent: must queue nothing), and tomorrow (a typical daily run). Prints the wall time and
the number of SQL queries of each run, and the process's peak memory (RSS) so far. Target
(issue 21): under 60 s at 1,000,000 cases, memory well under 500 MB, queries a fixed number per
batch of 5,000.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
CASES = int(os.environ.get("BENCH_CASES", "100000"))


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    # As in production: DEBUG's query log would keep the SQL of every bulk INSERT in memory.
    settings.DEBUG = False
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.advice.models import AdviceRequest
    from cases.casework.models import SweepRun
    from cases.casework.sweep import statutory_sweep
    from cases.models import Case
    from notifications.models import Notification

    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    if Case.objects.count() < CASES or not AdviceRequest.objects.exists():
        # Too few cases, or a database seeded before advice existed: build the demo again.
        call_command("seed_demo", "--cases", str(CASES), "--reset")
    with connection.cursor() as cursor:  # a first run of the day (TRUNCATE: no cascade in Python)
        cursor.execute(f"TRUNCATE {Notification._meta.db_table}")
    SweepRun.objects.all().delete()
    open_cases = Case.objects.filter(is_open=True).count()
    open_advice = AdviceRequest.objects.filter(state__in=AdviceRequest.OPEN_STATES).count()
    print(f"{open_cases} open cases, {open_advice} open advice requests")
    print(f"peak RSS before the sweep: {_peak_mb():.0f} MB")

    today = timezone.localdate()
    runs = [
        ("first run (catches up every breach already in the demo data)", today),
        ("second run, same day (must queue nothing)", today),
        ("next day (a typical daily run)", today + timedelta(days=1)),
    ]
    for label, day in runs:
        queries: list[int] = []

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            # Counted, not captured: the captured SQL of 200 bulk INSERTs would be the memory
            # this measures.
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = statutory_sweep(today=day)
            elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.1f} s, {len(queries)} queries in {result.batches} batches, "
            f"{result.queued} messages queued, {result.advice_reminded} advice requests "
            f"reminded; peak RSS so far {_peak_mb():.0f} MB",
            flush=True,
        )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
