"""Benchmark: the integration API's list endpoints at 100,000 cases (`seed_demo --cases 100000`).

Target: p95 under 100 ms and a fixed number of queries per call.

    cd <repo> && .venv/bin/python bench/api.py [--requests 200] [--cases 100000]

Uses its own database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ehcp_bench_api),
seeded only if it does not already hold the cases. Calls go through Django's test Client with a
bearer token (the whole stack: middleware, token check, throttle in Redis, access policy, the
page of cases and its access-log insert), for a warehouse owned by the head of service (every
case) and a system owned by an area's manager.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ehcp_bench_api"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _time(label: str, n: int, call: Callable[[int], object]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(5):
        call(i)
    timings: list[float] = []
    queries: set[int] = set()
    for i in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = call(i)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, response.status_code, response.content[:300])
        queries.add(len(ctx.captured_queries))
    print(
        f"{label:<46} n={n:<4} p50={statistics.median(timings):7.1f} ms  "
        f"p95={_percentile(timings, 95):7.1f} ms  max={max(timings):7.1f} ms  "
        f"queries={sorted(queries)}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.test")
    os.environ.setdefault("EHCP_VAR_DIR", str(ROOT / "var"))
    sys.path.insert(0, str(ROOT / "bench"))
    from run import database_ensure

    database_ensure(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from cases.integrations.models import ApiClient, Scope
    from cases.integrations.tokens import client_secret_issue
    from cases.models import Case, Stage
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
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum keeps them in service: straight after a bulk seed the
        # planner guesses 245 "assessing" cases where there are 14,000, and sorts them all.
        cursor.execute("ANALYZE")

    def token_for(owner: User, name: str) -> str:
        ApiClient.objects.filter(name=name).delete()
        client = ApiClient(
            name=name,
            owner=owner,
            scopes=list(Scope.values),
            expires_at=timezone.now() + timedelta(days=1),
            rate_per_minute=1_000_000,
        )
        return client_secret_issue(client=client)

    head = User.objects.filter(role=Role.HEAD_OF_SERVICE).first()
    manager = (
        User.objects.filter(role=Role.TEAM_MANAGER, team__isnull=False)
        .annotate(n=Count("team__area__case"))
        .order_by("-n")
        .first()
    )
    if head is None or manager is None:
        raise SystemExit("The seeded council has no head of service or manager")
    busy = (
        User.objects.filter(role=Role.CASEWORKER)
        .annotate(n=Count("caseload"))
        .order_by("-n")
        .first()
    )
    warehouse = Client(headers={"Authorization": f"Bearer {token_for(head, 'Bench warehouse')}"})
    area_system = Client(
        headers={"Authorization": f"Bearer {token_for(manager, 'Bench area system')}"}
    )
    print(
        f"Warehouse owned by the head of service ({Case.objects.count()} cases); area system "
        f"owned by {manager.email} ({Case.objects.filter(area=manager.team.area).count()} cases)"
    )
    n = args.requests
    cases = "/api/v1/cases/"
    since = (timezone.now() - timedelta(days=1)).isoformat()
    variants = [
        {"stage": Stage.ASSESSING},
        {"is_open": "true"},
        {"caseworker": str(busy.pk) if busy else "1"},
        {"updated_since": since},
        {"area": str(manager.team.area_id)},
        {"stage": Stage.PLAN_ISSUED if hasattr(Stage, "PLAN_ISSUED") else Stage.DRAFTING},
    ]
    _time("cases, first page (warehouse: every case)", n, lambda i: warehouse.get(cases))
    _time(
        "cases, filters (warehouse)", n, lambda i: warehouse.get(cases, variants[i % len(variants)])
    )

    # Follow `next` deep into the list: a keyset page costs what the first does.
    pages: list[str] = []
    url_next: str | None = cases + "?page_size=200"
    while url_next and len(pages) < 300:
        body = warehouse.get(url_next).json()
        pages.append(url_next)
        url_next = body["next"]
    _time(
        f"cases, pages 1-{len(pages)} of 200 (warehouse)",
        min(n, len(pages)),
        lambda i: warehouse.get(pages[-1 - i]),
    )
    _time("cases, first page (area system)", n, lambda i: area_system.get(cases))
    _time(
        "cases, filters (area system)",
        n,
        lambda i: area_system.get(cases, variants[i % len(variants)]),
    )
    references = list(
        Case.objects.filter(area=manager.team.area).values_list("reference", flat=True)[:200]
    )
    _time(
        "a case's timeline (area system)",
        n,
        lambda i: area_system.get(f"{cases}{references[i % len(references)]}/timeline/"),
    )
    _time(
        "a case with its deadlines (area system)",
        n,
        lambda i: area_system.get(f"{cases}{references[i % len(references)]}/"),
    )


if __name__ == "__main__":
    main()
