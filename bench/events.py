"""Benchmark: the event feed with `seed_demo --cases 100000` loaded and five events per case.

Target: p95 under 100 ms and a fixed number of queries per page, for a caseworker (their
caseload and team: a small share of the events, scattered through the whole feed), a manager
(an area) and the head of service (everything), from the start, from near the end, and one case.

    cd <repo> && .venv/bin/python bench/events.py [--requests 200] [--cases 100000]

Uses its own database (BENCH_DATABASE_URL, default .../ehcp_bench_events), seeded only if it
does not hold the cases yet. The events are inserted in one statement, interleaved across cases
(event n of every case, then event n+1), which is the hard case for a reader of few cases.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from caseload import _ensure_database, _time  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ehcp_bench_events"
EVENTS_PER_CASE = 5


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
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cases.events.models import Event
    from cases.events.selectors import cursor_encode
    from cases.models import Case
    from ehcp_portal.accounts.models import Role, User

    setup_test_environment()
    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        print(f"Seeding {args.cases} cases into {url} (found {have}) ...", flush=True)
        started = time.monotonic()
        call_command("seed_demo", cases=args.cases, reset=True)
        print(f"Seeded in {time.monotonic() - started:.0f} s", flush=True)
    cases = Case.objects.count()
    if Event.objects.count() < cases * EVENTS_PER_CASE:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO events_event (type, occurred_at, case_id, case_reference, area_id, data)
                SELECT 'case.stage_changed', now(), c.id, c.reference, c.area_id,
                       jsonb_build_object('stage', c.stage, 'n', g)
                FROM cases_case c CROSS JOIN generate_series(1, %s) g
                ORDER BY g, c.id
                """,
                [EVENTS_PER_CASE],
            )
        print(f"Inserted events in {time.monotonic() - started:.0f} s", flush=True)
    # Fresh statistics, as autovacuum would have after a bulk load: with the seed's stale ones
    # the planner took a team of 33,000 cases for 200 and a 500-event page took 300 ms, not 3.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Event.objects.count()
    last = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    print(f"{cases} cases, {total} events")

    busy = (
        User.objects.filter(role=Role.CASEWORKER)
        .annotate(n=Count("caseload", filter=Q(caseload__is_open=True)))
        .order_by("-n")
        .first()
    )
    manager = User.objects.get(pk=busy.team.manager_id)
    head = User.objects.filter(role=Role.HEAD_OF_SERVICE).first()
    reference = Case.objects.filter(caseworker=busy).values_list("reference", flat=True).first()
    feed = "/api/v1/events/"
    near_end = cursor_encode(last - 1000)
    n = args.requests
    for label, user in (("caseworker", busy), ("manager", manager), ("head of service", head)):
        client = Client()
        client.force_login(user)
        _time(f"feed, {label}, from the start", n, lambda i, c=client: c.get(feed))
        _time(
            f"feed, {label}, near the end",
            n,
            lambda i, c=client: c.get(feed, {"after": near_end}),
        )
        _time(
            f"feed, {label}, 500 per page",
            max(20, n // 10),
            lambda i, c=client: c.get(feed, {"limit": 500}),
        )
    client = Client()
    client.force_login(busy)
    _time("feed, one case", n, lambda i: client.get(feed, {"case": reference}))


if __name__ == "__main__":
    main()
