"""Benchmark: one assignment decision with 200 caseworkers, and a cohort import of 5,000 children.

Not part of the test suite. Uses its own database (it empties it first):

    createdb -h 127.0.0.1 -U postgres ehcp_bench5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ehcp_bench5 \\
      .venv/bin/python bench/assignment.py

Targets: median decision < 20 ms including its queries; 5,000 children imported,
prioritised and assigned in < 60 s on this 2-core machine.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")
if "ehcp_bench5" not in os.environ.get("DATABASE_URL", ""):
    sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/ehcp_bench5 (it is emptied).")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.assignment.cohort import cohort_import, cohort_rows_read  # noqa: E402
from cases.assignment.decisions import case_assign  # noqa: E402
from cases.assignment.models import AssignmentRule, CaseworkerProfile  # noqa: E402
from cases.models import Area, Case, Route, SenNeed, Stage, Team  # noqa: E402
from ehcp_portal.accounts.models import Role, User  # noqa: E402
from families.models import Child, FamilyMembership  # noqa: E402

CASEWORKERS = 200
OPEN_CASES_EACH = 30
DECISIONS = 200
COHORT = 5000
AREAS = {
    "East": ["LS8", "LS9", "LS14", "LS15", "LS25", "LS26"],
    "North West": ["LS6", "LS16", "LS17", "LS18", "LS19", "LS20"],
    "South": ["LS10", "LS11", "LS12", "LS27", "LS28"],
}
SPECIALISMS = ["early_years", "post16", "semh", "asd", "slcn", "sensory", "learning"]
LANGUAGES = ["Urdu", "Polish", "Punjabi", "Arabic", "Romanian", "Kurdish"]


def setup(rng: random.Random) -> list[Case]:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    today = timezone.localdate()
    areas, teams = [], []
    for name, districts in AREAS.items():
        area = Area.objects.create(name=name, postcode_districts=districts)
        manager = User.objects.create(
            email=f"manager.{len(areas)}@bench.invalid", role=Role.TEAM_MANAGER, password="!"
        )
        teams.append(Team.objects.create(name=f"{name} team", area=area, manager=manager))
        areas.append(area)
    workers = User.objects.bulk_create(
        [
            User(
                email=f"cw{i}@bench.invalid",
                full_name=f"Caseworker {i}",
                role=Role.CASEWORKER,
                team=teams[i % len(teams)],
                password="!",
            )
            for i in range(CASEWORKERS)
        ]
    )
    profiles = []
    for w in workers:
        away = rng.random() < 0.05
        profiles.append(
            CaseworkerProfile(
                user=w,
                fte=rng.choice([Decimal("1.00"), Decimal("0.80"), Decimal("0.60")]),
                target_caseload=rng.choice([35, 40, 45]),
                specialisms=rng.sample(SPECIALISMS, k=2),
                languages=rng.sample(LANGUAGES, k=rng.randint(0, 2)),
                taking_new_cases=not away,
                not_taking_reason="absent" if away else "",
            )
        )
    CaseworkerProfile.objects.bulk_create(profiles)
    n_existing = CASEWORKERS * OPEN_CASES_EACH
    parents = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.invalid", role=Role.PARENT, password="!")
            for i in range(n_existing + DECISIONS)
        ],
        batch_size=5000,
    )
    children = Child.objects.bulk_create(
        [
            Child(
                first_name=f"C{i}",
                last_name="Bench",
                date_of_birth=today - timedelta(days=rng.randint(730, 7300)),
                home_language=rng.choice(["English"] * 6 + LANGUAGES),
                postcode="LS8 1AA",
            )
            for i in range(n_existing + DECISIONS)
        ],
        batch_size=5000,
    )
    FamilyMembership.objects.bulk_create(
        [
            # Every tenth child shares a parent with the one before: siblings for continuity.
            FamilyMembership(
                user=parents[i - 1 if i % 10 == 9 else i], child=c, relationship="parent"
            )
            for i, c in enumerate(children)
        ],
        batch_size=5000,
    )
    needs = [n.value for n in SenNeed]
    cases = []
    for i, child in enumerate(children):
        existing = i < n_existing
        worker = workers[i % CASEWORKERS] if existing else None
        team = worker.team if worker else teams[i % len(teams)]
        cases.append(
            Case(
                reference=f"EHC-2020-{i + 1:06d}",
                child=child,
                received_on=today - timedelta(days=20),
                route=Route.FAMILY,
                stage=Stage.DECIDING_ASSESS if existing else Stage.RECEIVED,
                area_id=team.area_id,
                team=team,
                caseworker=worker,
                needs=rng.sample(needs, k=rng.randint(1, 3)),
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    connection.cursor().execute("ANALYZE")
    return cases[n_existing:]


def bench_decisions(new_cases: list[Case], label: str) -> None:
    """Time each decision, reported apart by outcome: a case that waits in the queue (nobody
    eligible has room below capacity) also writes the managers' alert."""
    times: dict[str, list[float]] = {"assigned": [], "waiting": []}
    for case in new_cases:
        started = time.perf_counter()
        case_assign(case=case)
        elapsed = (time.perf_counter() - started) * 1000
        case.refresh_from_db(fields=["caseworker"])
        times["assigned" if case.caseworker_id else "waiting"].append(elapsed)
    print(f"  {label}:")
    for outcome, values in times.items():
        if not values:
            continue
        values.sort()
        print(
            f"    {outcome}: median {statistics.median(values):.1f} ms, "
            f"p95 {values[max(int(len(values) * 0.95) - 1, 0)]:.1f} ms, max {values[-1]:.1f} ms "
            f"({len(values)} decisions)"
        )


def cohort_csv(rng: random.Random) -> str:
    today = timezone.localdate()
    lines = ["first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs"]
    districts = [d for ds in AREAS.values() for d in ds]
    for i in range(COHORT):
        dob = (today - timedelta(days=rng.randint(2 * 365, 16 * 365))).isoformat()
        postcode = f"{rng.choice(districts)} {rng.randint(1, 9)}AB"
        if i % 100 == 7:
            postcode = "NOT A POSTCODE"
        if i % 100 == 13:
            dob = ""
        needs = ";".join(rng.sample(["ASD", "SEMH", "SLCN", "MLD", "HI"], k=rng.randint(1, 2)))
        looked_after = "yes" if rng.random() < 0.06 else "no"
        lines.append(f"Cohort{i},Child{i % 97},{dob},{postcode},,{looked_after},{needs}")
    return "\n".join(lines) + "\n"


def main() -> None:
    settings.DEBUG = False  # no query log growing in memory
    rng = random.Random(5)
    print(f"Setting up {CASEWORKERS} caseworkers with {OPEN_CASES_EACH} open cases each ...")
    new_cases = setup(rng)
    print("One assignment decision (including its queries):")
    bench_decisions(new_cases[:100], "area rule hard (~67 candidates in the case's area)")
    AssignmentRule.objects.update_or_create(
        key="area_match", defaults={"weight": 40, "hard": False}
    )
    bench_decisions(new_cases[100:], "area rule soft (all 200 caseworkers are candidates)")
    AssignmentRule.objects.filter(key="area_match").update(hard=True)

    text = cohort_csv(rng)
    print(f"Cohort import of {COHORT:,} children:")
    started = time.perf_counter()
    record = cohort_import(rows=cohort_rows_read(text.encode()), filename="bench.csv")
    elapsed = time.perf_counter() - started
    print(
        f"  first run: {elapsed:.1f} s; {record.created_count} created "
        f"({record.unassigned_count} unassigned), {record.rejected_count} rejected"
    )
    started = time.perf_counter()
    again = cohort_import(rows=cohort_rows_read(text.encode()), filename="bench.csv")
    print(
        f"  re-run: {time.perf_counter() - started:.1f} s; {again.created_count} created, "
        f"{again.rejected_count} rejected (duplicates)"
    )


if __name__ == "__main__":
    main()
