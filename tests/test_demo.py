from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from cases.models import OPEN_STAGES, Case, Stage
from ehcp_portal.accounts.models import Role, User


def test_seed_demo_builds_every_stage_and_every_role(db):
    out = StringIO()
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=out)
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage)
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    assert "caseworker@demo.ehcp.test" in out.getvalue()
    open_cases = Case.objects.filter(stage__in=OPEN_STAGES)
    assert not open_cases.filter(is_open=False).exists()
    # Every open case has its next statutory deadline worked out from the clock.
    assert (
        not open_cases.exclude(stage__in=["final_issued", "maintained"])
        .filter(next_deadline_on__isnull=True)
        .exists()
    )


def test_seed_demo_is_deterministic(db):
    call_command(
        "seed_demo", "--cases", "50", "--seed", "3", "--today", "2026-11-02", stdout=StringIO()
    )
    first = list(
        Case.objects.order_by("reference").values_list("reference", "stage", "received_on")
    )
    call_command(
        "seed_demo",
        "--cases",
        "50",
        "--seed",
        "3",
        "--today",
        "2026-11-02",
        "--reset",
        stdout=StringIO(),
    )
    second = list(
        Case.objects.order_by("reference").values_list("reference", "stage", "received_on")
    )
    assert first == second
