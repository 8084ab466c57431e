"""Phase transfers (reg 18), tribunal orders (reg 44), re-assessments (reg 27) and transfers in
(reg 15) are deadlines on the case clock like any other: recorded by staff from the case page,
shown on the case page and the tracker, denormalised for the caseload, reminded by the sweep;
and the cohort due to transfer phase this year is one page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import statutory
from cases.casework.selectors import transfer_year_now
from cases.casework.sweep import statutory_sweep
from cases.models import Case, Route, Stage, TribunalOrder
from cases.services import case_refresh_deadline
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory, family_for


def _date(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}_0": str(d.day), f"{prefix}_1": str(d.month), f"{prefix}_2": str(d.year)}


def _fact_url(case: Case, fact: str) -> str:
    return reverse("casework:clock_fact", args=[case.reference, fact])


def _maintained(team, caseworker, **child) -> Case:
    today = timezone.localdate()
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        child=ChildFactory(**child),
        stage=Stage.MAINTAINED,
        received_on=today - timedelta(weeks=60),
        assessment_decision_on=today - timedelta(weeks=55),
        issue_decision_on=today - timedelta(weeks=48),
        final_issued_on=today - timedelta(weeks=40),
    )
    case_refresh_deadline(case=case)
    case.refresh_from_db()
    return case


def test_tribunal_order_keys_are_the_statutory_rules():
    assert set(TribunalOrder.values) == set(statutory.TRIBUNAL_ORDERS)


# -- the phase transfer rule (reg 18) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "today", "expected"),
    [
        (date(2015, 10, 1), date(2026, 11, 27), (2027, False)),  # Year 6: into Year 7
        (date(2015, 6, 1), date(2026, 11, 27), (2031, True)),  # Year 7: next is post-16
        (date(2022, 3, 1), date(2026, 3, 1), (2026, False)),  # Nursery: into Reception
        (date(2010, 7, 1), date(2026, 3, 31), (2026, True)),  # Year 11: deadline today
        (date(2010, 7, 1), date(2026, 4, 1), (2026, True)),  # passed, transfer still to come
        (date(2010, 7, 1), date(2026, 9, 1), None),  # in Year 12: no transfer left
    ],
)
def test_next_phase_transfer(dob, today, expected):
    assert statutory.next_phase_transfer(dob, today) == expected


def test_a_maintained_plan_carries_its_phase_transfer_from_the_childs_birthday(team, caseworker):
    today = timezone.localdate()
    year = transfer_year_now(today)
    # A child in Year 6 this school year: born in January, so in Reception from 4.
    dob = date(year - 11, 1, 10)
    case = _maintained(team, caseworker, date_of_birth=dob)
    assert (case.phase_transfer_year, case.phase_transfer_post16) == (year, False)
    deadlines = {d.key: d for d in _page_deadlines(case, caseworker)}
    assert deadlines["phase_transfer"].due == date(year, 2, 15)


def _page_deadlines(case: Case, user, client=None):
    from django.test import Client

    client = client or Client()
    client.force_login(user)
    return client.get(reverse("casework:case_detail", args=[case.reference])).context["deadlines"]


def test_recording_the_amended_plan_meets_the_phase_transfer(client, team, caseworker):
    today = timezone.localdate()
    year = transfer_year_now(today)
    case = _maintained(team, caseworker, date_of_birth=date(year - 11, 1, 10))
    client.force_login(caseworker)
    response = client.post(_fact_url(case, "phase-transfer"), _date("amended_on", today))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase_transfer_amended_on == today
    status = {d.key: d.status for d in _page_deadlines(case, caseworker, client)}
    assert status["phase_transfer"] in ("met", "met late")
    assert case.next_deadline_key != "phase_transfer"
    assert case.events.filter(kind="phase_transfer_amended").exists()


# -- a tribunal order (reg 44) ---------------------------------------------------------------


def test_a_tribunal_order_puts_its_deadlines_on_every_reader(client, team, caseworker, manager):
    today = timezone.localdate()
    case = _maintained(team, caseworker, date_of_birth=date(2012, 1, 1))
    client.force_login(caseworker)
    ordered = today - timedelta(weeks=5, days=1)  # amend content: 5 weeks, so missed by a day
    response = client.post(
        _fact_url(case, "tribunal-order"), {"kind": "amend", **_date("ordered_on", ordered)}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.tribunal_order_kind, case.tribunal_order_on) == ("amend", ordered)
    # The case page.
    staff = {d.key: d for d in _page_deadlines(case, caseworker, client)}
    assert staff["tribunal_amended_plan"].due == ordered + timedelta(weeks=5)
    assert staff["tribunal_amended_plan"].status == "missed"
    # The caseload's next deadline, sorted and filtered by it.
    assert case.next_deadline_key == "tribunal_amended_plan"
    overdue = client.get(reverse("casework:caseload"), {"due": "overdue"})
    assert case.reference in {c.reference for c, _ in overdue.context["rows"]}
    # The family's tracker.
    client.force_login(family_for(case))
    tracker = client.get(reverse("families:track", args=[case.reference]))
    assert "Amended plan as the tribunal ordered" in tracker.content.decode()
    # The sweep alerts the manager of the breach.
    statutory_sweep(today=today)
    assert Notification.objects.filter(
        purpose="deadline_breach", case=case, recipient=manager
    ).exists()
    # Complying meets it.
    client.force_login(caseworker)
    client.post(_fact_url(case, "tribunal-order-complied"), _date("complied_on", today))
    case.refresh_from_db()
    assert case.tribunal_order_complied_on == today
    assert case.next_deadline_key != "tribunal_amended_plan"


def test_a_tribunal_order_cannot_be_dated_in_the_future(client, case, caseworker):
    client.force_login(caseworker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        _fact_url(case, "tribunal-order"), {"kind": "assess", **_date("ordered_on", tomorrow)}
    )
    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()
    case.refresh_from_db()
    assert case.tribunal_order_on is None


# -- re-assessment (reg 27) and transfer in (reg 15) ------------------------------------------


def test_reassessment_and_transfer_in_deadlines(client, team, caseworker):
    today = timezone.localdate()
    case = _maintained(team, caseworker, date_of_birth=date(2012, 1, 1))
    client.force_login(caseworker)
    notified = today - timedelta(days=3)
    client.post(_fact_url(case, "reassessment"), _date("notified_on", notified))
    transferred = today - timedelta(days=10)
    client.post(
        _fact_url(case, "transfer-in"),
        {
            **_date("transferred_on", transferred),
            **_date("plan_dated_on", today - timedelta(days=400)),
        },
    )
    case.refresh_from_db()
    assert case.route == Route.TRANSFER_IN
    staff = {d.key: d for d in _page_deadlines(case, caseworker, client)}
    assert staff["reassessment_final_plan"].due == notified + timedelta(weeks=14)
    assert staff["transfer_tell_family"].due == transferred + timedelta(weeks=6)
    assert staff["transfer_tell_family"].status == "upcoming"
    assert staff["transfer_review"].due == statutory.add_months(transferred, 3)
    assert case.events.filter(kind="transfer_in", family_visible=True).exists()


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_only_staff_who_work_the_case_record_clock_facts(client, case, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(_fact_url(case, "reassessment")).status_code == 404


def test_a_caseworker_of_another_area_cannot_record_clock_facts(client, case, user_of_role):
    client.force_login(user_of_role(Role.CASEWORKER))
    assert client.get(_fact_url(case, "tribunal-order")).status_code == 404


# -- the cohort due to transfer phase -------------------------------------------------------


def _cohort_url() -> str:
    return reverse("casework:phase_transfers")


def _cohort_case(team, caseworker=None, *, post16=False, year=None) -> Case:
    year = year or transfer_year_now(timezone.localdate())
    return CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.MAINTAINED,
        final_issued_on=timezone.localdate() - timedelta(days=200),
        phase_transfer_year=year,
        phase_transfer_post16=post16,
    )


def test_the_cohort_lists_the_areas_transfers_with_their_deadline(client, team, manager):
    year = transfer_year_now(timezone.localdate())
    other_team_same_area = TeamFactory(area=team.area)
    mine = _cohort_case(team)
    post16 = _cohort_case(other_team_same_area, post16=True)
    next_year = _cohort_case(team, year=year + 1)
    elsewhere = _cohort_case(TeamFactory())
    client.force_login(manager)
    response = client.get(_cohort_url())
    assert response.status_code == 200
    listed = {row.case.reference: row for row in response.context["rows"]}
    assert set(listed) == {mine.reference, post16.reference}
    assert listed[mine.reference].deadline.due == date(year, 2, 15)
    assert listed[post16.reference].deadline.due == date(year, 3, 31)
    html = response.content.decode()
    assert "govuk-table" in html and f"Phase transfers in {year}" in html
    assert next_year.reference not in html and elsewhere.reference not in html
    later = client.get(_cohort_url(), {"year": year + 1})
    assert [r.case.reference for r in later.context["rows"]] == [next_year.reference]


def test_a_caseworker_sees_their_own_and_their_teams_transfers(client, team, caseworker):
    own = _cohort_case(team, caseworker)
    teammate = _cohort_case(team, UserFactory(role=Role.CASEWORKER, team=team))
    other_team = _cohort_case(TeamFactory(area=team.area))
    client.force_login(caseworker)
    listed = {r.case.reference for r in client.get(_cohort_url()).context["rows"]}
    assert listed == {own.reference, teammate.reference}
    assert other_team.reference not in listed


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_other_roles_do_not_see_the_cohort(client, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(_cohort_url()).status_code == 404


def test_the_cohort_is_linked_from_the_staff_navigation(client, caseworker):
    client.force_login(caseworker)
    assert _cohort_url() in client.get(reverse("casework:caseload")).content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_the_cohort_runs_a_fixed_number_of_queries(
    client, team, manager, django_assert_num_queries, count
):
    for _ in range(count):
        _cohort_case(team, UserFactory(role=Role.CASEWORKER, team=team))
    client.force_login(manager)
    client.get(_cohort_url())
    # session, user, the user's team (area), the cohort's progress (one count), a page of it
    # (one indexed query with child and caseworker), their recorded exceptions, and the
    # header's unread notifications count
    with django_assert_num_queries(7):
        response = client.get(_cohort_url())
    assert len(response.context["rows"]) == count


def test_a_long_cohort_is_paged_and_its_progress_counts_every_child(client, team, manager):
    """An area's cohort runs to thousands at national scale: a page at a time, while the
    progress line counts the whole cohort by the clock's own rule for an amended plan."""
    from cases.casework.views import PHASE_TRANSFERS_PAGE
    from cases.deadlines import case_deadlines, phase_transfer_met_q

    year = transfer_year_now(timezone.localdate())
    cases = [_cohort_case(team) for _ in range(PHASE_TRANSFERS_PAGE + 3)]
    # Amended in the school year before the move (met), and before it (not met).
    Case.objects.filter(pk__in=[c.pk for c in cases[:4]]).update(
        phase_transfer_amended_on=date(year - 1, 10, 1)
    )
    Case.objects.filter(pk=cases[4].pk).update(phase_transfer_amended_on=date(year - 1, 8, 31))
    client.force_login(manager)
    first = client.get(_cohort_url())
    assert len(first.context["rows"]) == PHASE_TRANSFERS_PAGE
    html = first.content.decode()
    assert f"4 of {PHASE_TRANSFERS_PAGE + 3} plans amended." in html
    assert "page=2" in html and 'rel="next"' in html
    second = client.get(_cohort_url(), {"page": 2, "year": year})
    assert len(second.context["rows"]) == 3
    shown = {r.case.reference for r in first.context["rows"]} | {
        r.case.reference for r in second.context["rows"]
    }
    assert shown == {c.reference for c in cases}
    # The database condition and the clock agree, case by case.
    met = set(Case.objects.filter(phase_transfer_met_q(year)).values_list("pk", flat=True))
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]).select_related("child"):
        [deadline] = [d for d in case_deadlines(case) if d.key == "phase_transfer"]
        assert (case.pk in met) == (not deadline.is_open)
