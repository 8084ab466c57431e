from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from cases.models import Case, Setting, Team
from families.models import Child
from tests.factories import ChildFactory


def school_cohort(team: Team, setting: Setting, n: int, prefix: str = "BULK") -> list[Case]:
    """`n` open cases of children at `setting`, written in two statements."""
    children = Child.objects.bulk_create(
        [ChildFactory.build(setting=setting, first_name=f"Child{i}") for i in range(n)]
    )
    received = timezone.localdate() - timedelta(days=10)
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"EHC-{prefix}-{i:06d}",
                child=child,
                received_on=received,
                team=team,
                area=team.area,
            )
            for i, child in enumerate(children)
        ],
        batch_size=1000,
    )
    # PostgreSQL's statistics, as autovacuum keeps them on a live database: without them the
    # planner takes thousands of freshly inserted rows for a handful.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE families_child")
    return cases
