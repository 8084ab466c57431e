"""Replay N synthetic requests through the assignment rules against the current caseworkers
(run `seed_demo` first) and print how evenly the work spreads. Everything is rolled back."""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases.assignment.decisions import case_assign
from cases.assignment.facts import candidates_load
from cases.assignment.rules import Candidate
from cases.models import Area, Case, Route, SenNeed, Stage
from ehcp_portal.accounts.models import Role, User
from families.models import Child, FamilyMembership

LANGUAGES = ["English"] * 8 + ["Urdu", "Polish", "Punjabi", "Arabic", "Romanian", "Kurdish"]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Simulate assignment of N new requests and print caseload spread and decision time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        n = options["cases"]
        if n < 1:
            raise CommandError("--cases must be at least 1")
        areas = list(Area.objects.exclude(postcode_districts=[]))
        if not areas or not candidates_load():
            raise CommandError("No areas or caseworkers: run `manage.py seed_demo` first.")
        try:
            with transaction.atomic():
                self._simulate(n, areas, random.Random(options["seed"]))
                raise _Rollback
        except _Rollback:
            pass

    def _simulate(self, n: int, areas: list[Area], rng: random.Random) -> None:
        today = timezone.localdate()
        initial = candidates_load()
        before = {c.user_id: c.open_cases for c in initial}
        spread_before = _spread(initial)
        parents = User.objects.bulk_create(
            [User(email=f"sim{i}@sim.invalid", role=Role.PARENT, password="!") for i in range(n)]
        )
        children, areas_of, memberships = [], [], []
        for i in range(n):
            area = rng.choice(areas)
            districts = area.postcode_districts
            children.append(
                Child(
                    first_name=f"Sim{i}",
                    last_name="Child",
                    date_of_birth=today - timedelta(days=rng.randint(2 * 365, 20 * 365)),
                    postcode=f"{rng.choice(districts)} {rng.randint(1, 9)}AB",
                    home_language=rng.choice(LANGUAGES),
                    looked_after=rng.random() < 0.06,
                )
            )
            areas_of.append(area)
        Child.objects.bulk_create(children)
        for i, child in enumerate(children):
            # Every eighth request is a sibling of the one before (same parent).
            parent = parents[i - 1] if i % 8 == 7 else parents[i]
            memberships.append(FamilyMembership(user=parent, child=child, relationship="parent"))
        FamilyMembership.objects.bulk_create(memberships)
        cases = Case.objects.bulk_create(
            [
                Case(
                    reference=f"SIM-{i:07d}",
                    child=child,
                    received_on=today,
                    route=Route.FAMILY,
                    stage=Stage.RECEIVED,
                    area=area,
                    needs=rng.sample([x.value for x in SenNeed], k=rng.randint(1, 3)),
                )
                for i, (child, area) in enumerate(zip(children, areas_of, strict=True))
            ]
        )
        times, matched, assigned = [], 0, 0
        for case in cases:
            started = time.perf_counter()
            decision = case_assign(case=case)
            times.append((time.perf_counter() - started) * 1000)
            if decision.caseworker_id:
                assigned += 1
                matched += any(c["rule"] == "area_match" for c in decision.contributions)
        after = candidates_load()
        self.stdout.write(f"Simulated {n} requests against {len(after)} caseworkers.")
        self.stdout.write(f"Assigned: {assigned}; left in unassigned queues: {n - assigned}")
        new_cases = sum(c.open_cases - before.get(c.user_id, 0) for c in after)
        self.stdout.write(f"New cases placed on caseloads: {new_cases}")
        self.stdout.write(
            "Caseload spread per area (open cases / FTE-weighted target, caseworkers taking "
            "new cases), before -> after:"
        )
        for name, (count, lo, hi) in sorted(_spread(after).items()):
            was = spread_before.get(name)
            was_text = f"max/min {_ratio(was[1], was[2])} -> " if was else ""
            self.stdout.write(
                f"  {name}: {count} caseworkers, load {lo:.2f}-{hi:.2f}, "
                f"{was_text}max/min {_ratio(lo, hi)}"
            )
        rate = matched / assigned * 100 if assigned else 0.0
        self.stdout.write(f"Area-match rate: {rate:.1f}%")
        self.stdout.write(
            f"Decision time: median {statistics.median(times):.1f} ms, "
            f"p95 {sorted(times)[int(len(times) * 0.95) - 1 if len(times) > 1 else 0]:.1f} ms"
        )


def _spread(candidates: list[Candidate]) -> dict[str, tuple[int, float, float]]:
    by_area: dict[str, list[float]] = defaultdict(list)
    for cand in candidates:
        if cand.taking_new_cases and cand.capacity:
            by_area[cand.area_name].append(cand.open_cases / cand.capacity)
    return {name: (len(v), min(v), max(v)) for name, v in by_area.items()}


def _ratio(lo: float, hi: float) -> str:
    return f"{hi / lo:.2f}" if lo > 0 else "inf"
