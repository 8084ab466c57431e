"""Benchmark: the performance dashboard with `seed_demo --cases 100000` loaded.

Target (issue 15): dashboard pages in a fixed number of queries and under 300 ms at p95 at
100,000 cases; figures a live query cannot give in time are computed nightly.

    cd <repo> && .venv/bin/python bench/reporting.py [--requests 200] [--cases 100000]

Uses its own database (BENCH_DATABASE_URL, default .../ehcp_bench_reporting), seeds it only if
it does not already hold the cases, then measures, on this machine and in the same run:

- the live computation of every figure (what the nightly task does per scope and period), for
  the council and for one area;
- the nightly refresh of every scope and period;
- the dashboard page read from its snapshot, for the East manager, the head of service (the
  council, and one area) and a scrutiny-board member, and a download of a table, beside a bare
  page (the accessibility statement) through the same stack;
- the list of cases behind a figure and its first page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ehcp_bench_reporting"


def _ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _time(label: str, n: int, request: Callable[[int], object]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):  # warm caches, templates and connections
        request(i)
    timings: list[float] = []
    queries: set[int] = set()
    for i in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = request(i)
            timings.append((time.perf_counter() - started) * 1000)
        status = getattr(response, "status_code", 200)
        assert status == 200, (label, status)
        queries.add(len(ctx.captured_queries))
    print(
        f"{label:<48} n={n:<4} p50={statistics.median(timings):7.1f} ms  "
        f"p95={_percentile(timings, 95):7.1f} ms  max={max(timings):7.1f} ms  "
        f"queries={sorted(queries)}",
        flush=True,
    )


def _once(label: str, work: Callable[[], object]) -> object:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
    print(f"{label:<48} {elapsed * 1000:9.0f} ms  queries={len(ctx.captured_queries)}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.test")
    os.environ.setdefault("EHCP_VAR_DIR", str(ROOT / "var"))
    _ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from cases.models import Area, Case
    from cases.reporting.figures import figures_compute
    from cases.reporting.models import FigureSnapshot
    from cases.reporting.periods import period_containing
    from cases.reporting.selectors import figures_refresh_all
    from ehcp_portal.accounts.models import Role, User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        print(f"Seeding {args.cases} cases into {url} (found {have}) ...", flush=True)
        started = time.monotonic()
        call_command("seed_demo", cases=args.cases, reset=True)
        print(f"Seeded in {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"{have} cases already in {url}")

    today = timezone.localdate()
    east = Area.objects.order_by("name").first()
    assert east is not None
    print(f"{Case.objects.count()} cases, {Case.objects.filter(is_open=True).count()} open")
    for kind in ("month", "academic"):
        period = period_containing(kind, today)
        _once(
            f"live figures, council, {kind}",
            lambda period=period: figures_compute(area_id=None, period=period, today=today),
        )
        _once(
            f"live figures, {east.name}, {kind}",
            lambda period=period: figures_compute(area_id=east.pk, period=period, today=today),
        )
    FigureSnapshot.objects.all().delete()
    scopes = _once(
        "nightly refresh (every scope and period)", lambda: figures_refresh_all(today=today)
    )
    print(f"  {scopes} snapshots")

    manager = User.objects.get(email="manager.east@demo.ehcp.test")
    head = User.objects.filter(role=Role.HEAD_OF_SERVICE).first()
    member = User.objects.filter(role=Role.ELECTED_MEMBER, scrutiny_board=True).first()
    clients = {}
    for name, user in (("manager", manager), ("head", head), ("member", member)):
        clients[name] = Client()
        clients[name].force_login(user)
    dashboard = reverse("reporting:dashboard")
    n = args.requests
    _time(
        "bare page (accessibility statement)",
        n,
        lambda i: clients["manager"].get("/accessibility/"),
    )
    _time("dashboard: East manager", n, lambda i: clients["manager"].get(dashboard))
    _time("dashboard: head of service, council", n, lambda i: clients["head"].get(dashboard))
    _time(
        "dashboard: head of service, one area",
        n,
        lambda i: clients["head"].get(dashboard, {"area": east.pk}),
    )
    _time("dashboard: scrutiny member", n, lambda i: clients["member"].get(dashboard))
    _time(
        "download: backlog table (XLSX)",
        max(20, n // 10),
        lambda i: clients["head"].get(reverse("reporting:download", args=["backlog", "xlsx"])),
    )
    _time(
        "cases behind a figure (open cases past date)",
        max(20, n // 10),
        lambda i: clients["manager"].get(
            reverse("reporting:cases"), {"figure": "backlog", "part": "past"}
        ),
    )


if __name__ == "__main__":
    main()
