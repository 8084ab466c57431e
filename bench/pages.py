"""Benchmark: every list page and the API's case list at 100,000 and 1,000,000 cases, side by
side in one run, each beside a bare signed-in page measured in the same process (issue 21:
p95 under 150 ms and at most 5x the bare page, with a fixed number of queries).

    .venv/bin/python bench/pages.py [--requests 100] [--databases ehcp_bench_100k,ehcp_bench_1m]

Each database must already hold `seed_demo --cases N` (bench/seed_demo.sh; CASES=1000000 for
the large one, ~8 min) and is migrated first. Each database is measured in its own process
(Django settles on one database per process); the table is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATABASES = "ehcp_bench_100k,ehcp_bench_1m"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# Requests of a page measured between two blocks of the bare page, and the bare requests of a
# block not kept (see `measure`).
BLOCK = 10
BARE_SETTLE = 3


def measure(n: int, *, cohort: bool = True) -> list[dict[str, object]]:
    """In a process whose DATABASE_URL is one seeded database: every page, timed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.test")
    os.environ.setdefault("EHCP_VAR_DIR", str(ROOT / "var"))
    # As production serves (ehcp_portal.settings.production): each process keeps its database
    # connection across requests rather than opening one per request.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from cases.advice.models import AdviceRequest
    from cases.models import Case, OpenCaseCount
    from ehcp_portal.accounts.models import Role, User

    # No setup_test_environment(): it wraps every template render to record its context for
    # tests, which production does not pay (it doubled the bare page). The test settings let
    # the test Client's host in and keep mail in memory.
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        # As autovacuum keeps a database in service (since PostgreSQL 13 it also vacuums after
        # bulk inserts): statistics, and the visibility map that index-only scans read.
        cursor.execute("VACUUM (ANALYZE)")

    cases = Case.objects.count()
    busy_id = (
        OpenCaseCount.objects.filter(scope=OpenCaseCount.Scope.CASEWORKER)
        .order_by("-open_cases")
        .values_list("scope_id", flat=True)
        .first()
    )
    busy = User.objects.get(pk=busy_id)
    manager = User.objects.get(email="manager.east@demo.ehcp.test")
    ep_id = (
        AdviceRequest.objects.filter(addressee__isnull=False)
        .values("addressee_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("addressee_id", flat=True)
        .first()
    )
    advice_giver = User.objects.get(pk=ep_id) if ep_id else User.objects.get(role=Role.ADVICE_GIVER)
    member = User.objects.filter(role=Role.ELECTED_MEMBER).first()
    surname = (
        Case.objects.filter(area_id=manager.team.area_id, is_open=True)
        .values_list("child__last_name", flat=True)
        .first()
    )

    from cases.members.models import MemberEnquiry

    enquiry = (
        MemberEnquiry.objects.filter(area_id=manager.team.area_id)
        .exclude(child_name="")
        .order_by("pk")
        .first()
    )
    # The links a manager following Next reaches 400 pages in, for each sort: the cursor of
    # the 10,000th row (as the page before it would link).
    from cases.casework import selectors as caseload_selectors

    deep = []
    for sort in ["priority", "deadline", "-deadline", "reference", "stage"]:
        key, descending = caseload_selectors.caseload_sort(sort)
        terms = caseload_selectors.caseload_sort_terms(key, descending)
        ordered = caseload_selectors.caseload_ordered(
            caseload_selectors.caseload_filtered(manager, caseload_selectors.CaseloadFilters()),
            key,
            descending,
        )
        row = ordered[9999]
        cursor = caseload_selectors.caseload_cursor(row, terms)
        deep.append(f"?sort={sort}&after={cursor}")
    # A long case: 2,000 events on one of the manager's area's cases with a family account,
    # added for the run and removed after it (the seed's cases have a handful each).
    from cases.models import CaseEvent
    from families.models import FamilyMembership

    long_case = (
        Case.objects.filter(
            area_id=manager.team.area_id,
            is_open=True,
            child__in=FamilyMembership.objects.values("child_id"),
        )
        .order_by("pk")
        .first()
    )
    assert long_case is not None
    parent = User.objects.get(
        pk=FamilyMembership.objects.filter(child_id=long_case.child_id)
        .values_list("user_id", flat=True)
        .first()
    )
    added = CaseEvent.objects.bulk_create(
        [
            CaseEvent(case=long_case, kind="message_sent", summary=f"Bench event {i}")
            for i in range(2000)
        ],
        batch_size=1000,
    )
    clients: dict[str, Client] = {}
    for name, user in (
        ("caseworker", busy),
        ("manager", manager),
        ("advice", advice_giver),
        ("member", member),
        ("parent", parent),
        ("senco", User.objects.get(email="senco@demo.ehcp.test")),
        ("qa", User.objects.get(email="qa@demo.ehcp.test")),
    ):
        clients[name] = Client()
        clients[name].force_login(user)

    caseload = reverse("casework:caseload")
    sorts = ["-priority", "deadline", "-deadline", "reference", "-reference", "child", "stage"]
    pages: list[tuple[str, str, Callable[[int], object]]] = [
        ("bare signed-in page", "manager", lambda i: clients["manager"].get("/contact/")),
        ("caseworker's caseload", "caseworker", lambda i: clients["caseworker"].get(caseload)),
        (
            "caseworker's caseload, each sort",
            "caseworker",
            lambda i: clients["caseworker"].get(caseload, {"sort": sorts[i % len(sorts)]}),
        ),
        (
            "unassigned queue",
            "manager",
            lambda i: clients["manager"].get(reverse("assignment:queue")),
        ),
        ("team overview", "manager", lambda i: clients["manager"].get(reverse("casework:team"))),
        ("manager caseload, first page", "manager", lambda i: clients["manager"].get(caseload)),
        (
            "manager caseload, each sort",
            "manager",
            lambda i: clients["manager"].get(caseload, {"sort": sorts[i % len(sorts)]}),
        ),
        (
            "manager caseload, page 400",
            "manager",
            lambda i: clients["manager"].get(caseload, {"page": "400"}),
        ),
        (
            "manager caseload, 400 pages deep by cursor (Next links)",
            "manager",
            lambda i: clients["manager"].get(caseload + deep[i % len(deep)]),
        ),
        (
            "manager caseload, filters",
            "manager",
            lambda i: clients["manager"].get(
                caseload,
                [
                    {"due": "week"},
                    {"due": "overdue"},
                    {"stage": "assessing", "waiting": "on"},
                    {"caseworker": str(busy.pk)},
                ][i % 4],
            ),
        ),
        (
            "manager caseload, name search",
            "manager",
            lambda i: clients["manager"].get(caseload, {"q": surname or "Smith"}),
        ),
        (
            "advice giver home",
            "advice",
            lambda i: clients["advice"].get(reverse("advice:home")),
        ),
        (
            "member enquiry triage (inbox)",
            "manager",
            lambda i: clients["manager"].get(reverse("members:inbox")),
        ),
        (
            "member enquiry triage (an enquiry, suggested cases)",
            "manager",
            lambda i: clients["manager"].get(
                reverse("members:inbox_detail", args=[enquiry.public_id])
                if enquiry
                else reverse("members:inbox")
            ),
        ),
        (
            "elected member's home",
            "member",
            lambda i: clients["member"].get(reverse("members:home")),
        ),
        (
            "timeliness report (dashboard)",
            "manager",
            lambda i: clients["manager"].get(reverse("reporting:dashboard")),
        ),
        (
            "triage queue",
            "manager",
            lambda i: clients["manager"].get(reverse("assignment:triage")),
        ),
        (
            "phase transfers",
            "manager",
            lambda i: clients["manager"].get(reverse("casework:phase_transfers")),
        ),
        (
            "API case list, caseworker",
            "caseworker",
            lambda i: clients["caseworker"].get("/api/v1/cases/"),
        ),
        (
            "API case list, manager",
            "manager",
            lambda i: clients["manager"].get("/api/v1/cases/"),
        ),
        (
            "case page",
            "manager",
            lambda i: clients["manager"].get(
                reverse("casework:case_detail", args=[cases_sample[i % len(cases_sample)]])
            ),
        ),
        (
            "case page, 2,000 events",
            "manager",
            lambda i: clients["manager"].get(
                reverse("casework:case_detail", args=[long_case.reference])
            ),
        ),
        (
            "case timeline, 2,000 events",
            "manager",
            lambda i: clients["manager"].get(
                reverse("casework:case_timeline", args=[long_case.reference])
            ),
        ),
        (
            "family tracker, long case",
            "parent",
            lambda i: clients["parent"].get(reverse("families:track", args=[long_case.reference])),
        ),
        ("SENCO home", "senco", lambda i: clients["senco"].get(reverse("schools:home"))),
        (
            "schools' phase transfers",
            "manager",
            lambda i: clients["manager"].get(reverse("schools:phase_transfers")),
        ),
        ("QA officer home", "qa", lambda i: clients["qa"].get(reverse("quality:home"))),
        (
            "complaints",
            "manager",
            lambda i: clients["manager"].get(reverse("quality:complaints")),
        ),
        (
            "survey feedback",
            "manager",
            lambda i: clients["manager"].get(reverse("quality:survey_comments")),
        ),
        (
            "bulk letters",
            "manager",
            lambda i: clients["manager"].get(reverse("correspondence:bulk_list")),
        ),
    ]
    cases_sample = list(
        Case.objects.filter(area_id=manager.team.area_id, is_open=True)
        .order_by("-pk")
        .values_list("reference", flat=True)[:50]
    )
    # As the production web process starts (ehcp_portal.wsgi): templates compiled and what is
    # loaded so far kept out of the garbage collector's full passes.
    from ehcp_portal.serving import settle_for_serving

    settle_for_serving()
    results = []
    only = os.environ.get("BENCH_ONLY", "")
    skip = os.environ.get("BENCH_SKIP", "")
    try:
        bare = pages[0][2]
        for label, _who, request in pages:
            if only and only not in label and label != "bare signed-in page":
                continue
            if skip and skip in label:
                continue
            for i in range(3):
                request(i)
            timings: list[float] = []
            bare_timings: list[float] = []
            queries: set[int] = set()
            # The bare page and this page in alternating blocks (ten of each, for as many blocks
            # as the page's requests fill), so both are measured on the machine as it was at
            # the time: its speed drifts by half over a run here, and one bare figure for a
            # whole page's requests (or for the run) moved ratios by a point or more. The
            # first three bare requests of each block are not kept: straight after a heavy page
            # the bare one pays for that page's garbage and evicted caches (about 1.5x), which
            # would flatter the ratio.
            for block in range(0, n, BLOCK):
                for i in range(BARE_SETTLE + BLOCK):
                    started = time.perf_counter()
                    bare(i)
                    if i >= BARE_SETTLE:
                        bare_timings.append((time.perf_counter() - started) * 1000)
                for i in range(block, min(n, block + BLOCK)):
                    started = time.perf_counter()
                    response = request(i)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (label, response.status_code)  # type: ignore[attr-defined]
            # Counted on requests of their own: recording each query's text and time (as
            # CaptureQueriesContext does) is a cost production does not pay.
            for i in range(min(n, 20)):
                with CaptureQueriesContext(connection) as ctx:
                    request(i)
                queries.add(len(ctx.captured_queries))
            row = {
                "page": label,
                "cases": cases,
                "p50": statistics.median(timings),
                "p95": _percentile(timings, 95),
                "queries": sorted(queries),
                "bare_p50": statistics.median(bare_timings),
            }
            print(json.dumps(row), flush=True)
            results.append(row)
    finally:
        CaseEvent.objects.filter(pk__in=[e.pk for e in added]).delete()
    results += measure_assignment(n, cohort=cohort)
    return results


def measure_assignment(n: int, *, cohort: bool = True) -> list[dict[str, object]]:
    """An assignment decision on the seeded council (each rolled back, so every decision sees
    the same data), and a cohort import of 5,000 children (rolled back)."""
    import random
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from cases.assignment.cohort import cohort_import, cohort_rows_read
    from cases.assignment.decisions import case_assign
    from cases.models import Area, Case

    cases_n = Case.objects.count()
    cases = list(
        Case.objects.filter(is_open=True, caseworker__isnull=False, area__isnull=False).order_by(
            "-pk"
        )[:n]
    )
    timings = []
    for case in cases:
        with transaction.atomic():
            started = time.perf_counter()
            case_assign(case=case, exclude=[case.caseworker_id])
            timings.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    row: dict[str, object] = {
        "page": "assignment decision (rolled back)",
        "cases": cases_n,
        "p50": statistics.median(timings),
        "p95": _percentile(timings, 95),
        "queries": [],
    }
    print(json.dumps(row), flush=True)
    if not cohort:
        return [row]
    rng = random.Random(5)
    today = timezone.localdate()
    districts = [d for a in Area.objects.all() for d in a.postcode_districts] or ["LS6"]
    lines = ["first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs"]
    for i in range(5000):
        dob = (today - timedelta(days=rng.randint(2 * 365, 16 * 365))).isoformat()
        lines.append(
            f"Cohort{i},Bench{i % 97},{dob},{rng.choice(districts)} {rng.randint(1, 9)}AB,,no,ASD"
        )
    rows = cohort_rows_read(("\n".join(lines) + "\n").encode())
    with transaction.atomic():
        started = time.perf_counter()
        record = cohort_import(rows=rows, filename="bench.csv")
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    cohort_row: dict[str, object] = {
        "page": f"cohort import of 5,000 ({record.created_count} created; ms, rolled back)",
        "cases": cases_n,
        "p50": elapsed,
        "p95": elapsed,
        "queries": [],
    }
    print(json.dumps(cohort_row), flush=True)
    return [row, cohort_row]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES", DEFAULT_DATABASES))
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-cohort", action="store_true", help="skip the cohort import")
    args = parser.parse_args()
    if args.measure:
        measure(args.requests, cohort=not args.no_cohort)
        return 0

    table: dict[str, dict[str, dict[str, object]]] = {}
    order: list[str] = []
    names = [name.strip() for name in args.databases.split(",") if name.strip()]
    for name in names:
        print(f"=== {name}", flush=True)
        command = [sys.executable, __file__, "--measure", "--requests", str(args.requests)]
        if args.no_cohort:
            command.append("--no-cohort")
        with subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": f"{SERVER}/{name}"},
            stdout=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout is not None
            lines = []
            for line in child.stdout:  # as each page is measured, so a long run shows progress
                print(line, end="", flush=True)
                lines.append(line)
        if child.returncode != 0:
            return 1
        for line in lines:
            if line.startswith("{"):
                row = json.loads(line)
                table.setdefault(row["page"], {})[name] = row
                if row["page"] not in order:
                    order.append(row["page"])
    bare = {name: table["bare signed-in page"][name] for name in names}
    header = " | ".join(
        f"{int(bare[n]['cases']):,} cases p50 / p95 ms (p50 x bare p50 alongside), queries"
        for n in names
    )
    print(f"\n| page | {header} |")
    print("|---|" + "---|" * len(names))
    for page in order:
        cells = []
        for name in names:
            row = table[page][name]
            # As the table: the page's median over the bare page's median, the bare
            # page measured in blocks alternating with that page's.
            ratio = float(row["p50"]) / float(row.get("bare_p50") or bare[name]["p50"])  # type: ignore[arg-type]
            queries = ",".join(str(q) for q in row["queries"])  # type: ignore[attr-defined]
            cells.append(f"{row['p50']:.0f} / {row['p95']:.0f} ({ratio:.1f}x), {queries}")
        print(f"| {page} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
