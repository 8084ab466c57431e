from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

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


def test_demo_plans_carry_their_phase_transfer_so_the_cohort_page_has_children(client, db):
    """The demo opens and refreshes its cases like real ones: a maintained plan knows the child's
    next phase transfer (reg 18), so the caseworker's phase-transfer page lists the cohort."""
    call_command("seed_demo", "--cases", "300", "--seed", "7", stdout=StringIO())
    plans = Case.objects.filter(stage__in=[Stage.FINAL_ISSUED, Stage.MAINTAINED], is_open=True)
    assert plans.filter(phase_transfer_year__isnull=False).exists()
    assert (
        not Case.objects.exclude(stage__in=[Stage.FINAL_ISSUED, Stage.MAINTAINED])
        .filter(phase_transfer_year__isnull=False)
        .exists()
    )
    year = plans.exclude(phase_transfer_year__isnull=True).values_list(
        "phase_transfer_year", flat=True
    )[0]
    manager = User.objects.get(email="manager.east@demo.ehcp.test")
    client.force_login(manager)
    response = client.get(reverse("casework:phase_transfers"), {"year": year})
    assert response.status_code == 200
    assert len(response.context["rows"]) > 0


def test_seed_demo_is_the_same_whatever_the_batch_size(db):
    """The volume seed writes and commits a batch at a time; the batches do not change the
    demo (each child and case draws from its own stream, in order)."""
    from datetime import date

    from ehcp_portal.demo import demo_build, demo_reset

    def built(batch: int) -> list[tuple]:
        demo_build(seed=5, cases=60, today=date(2026, 11, 2), batch=batch)
        rows = list(
            Case.objects.order_by("reference").values_list(
                "reference",
                "stage",
                "received_on",
                "caseworker__email",
                "child__first_name",
                "child__postcode",
                "child__memberships__user__email",
            )
        )
        demo_reset()
        return rows

    whole = built(10_000)
    assert len(whole) >= 60
    assert built(16) == whole


def test_seed_demo_sent_by_a_second_connection_is_the_same_demo(transactional_db):
    """Outside a transaction (as `seed_demo` runs), each batch's rows are sent on a second
    connection while the next batch is made. The demo is the one built in a single
    transaction: every case, child, family link and consent, and each case's priority, which
    counts consents not yet written when it is worked out."""
    from datetime import date

    from django.db import transaction

    from ehcp_portal.demo import demo_build, demo_reset

    def built() -> list[tuple]:
        demo_build(seed=5, cases=60, today=date(2026, 11, 2), batch=16)
        rows = sorted(
            Case.objects.values_list(
                "reference",
                "stage",
                "priority",
                "next_deadline_on",
                "caseworker__email",
                "child__first_name",
                "child__memberships__user__email",
                "child__consents__party",
            )
        )
        demo_reset()
        return rows

    beside = built()
    with transaction.atomic():
        in_turn = built()
    assert len({row[0] for row in beside}) >= 60
    assert any(row[-1] for row in beside), "the first families' consents were written"
    assert max(row[2] for row in beside) > 0
    assert beside == in_turn
