"""Exceptions to statutory time limits (reg 10(4)) and the timeliness report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework.services import CaseworkRefused, deadline_exception_record
from cases.deadlines import case_deadlines
from cases.models import DeadlineException, ExceptionReason
from cases.reporting.measures import MEASURES
from cases.reporting.periods import period_from_key
from cases.services import case_refresh_deadline
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, family_for


def _url(case, key: str = "final_plan") -> str:
    return reverse("casework:deadline_exception_add", args=[case.reference, key])


def _date(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}_0": str(d.day), f"{prefix}_1": str(d.month), f"{prefix}_2": str(d.year)}


def _absence(today: date) -> dict[str, str]:
    return {
        "reason": ExceptionReason.ABSENCE,
        **_date("starts_on", today - timedelta(days=40)),
        **_date("ends_on", today - timedelta(days=10)),
        "evidence": "Family abroad caring for a grandparent; flight tickets on file.",
        **_date("family_told_on", today - timedelta(days=5)),
    }


def test_an_excepted_deadline_keeps_its_due_date_and_shows_excepted(client, case, caseworker):
    today = timezone.localdate()
    case_refresh_deadline(case=case)
    case.save()
    before = {d.key: d.due for d in case_deadlines(case)}
    client.force_login(caseworker)
    response = client.post(_url(case), _absence(today))
    assert response.status_code == 302
    exception = DeadlineException.objects.get(case=case)
    assert exception.deadline_key == "final_plan" and exception.recorded_by == caseworker
    assert exception.family_told_on == today - timedelta(days=5)
    page = client.get(reverse("casework:case_detail", args=[case.reference]))
    deadlines = {d.key: d for d in page.context["deadlines"]}
    assert deadlines["final_plan"].status == "excepted"
    assert deadlines["final_plan"].due == before["final_plan"]
    assert deadlines["decision_to_assess"].status != "excepted"
    case.refresh_from_db()
    assert case.next_deadline_on == before["decision_to_assess"]
    assert "Exception: (d)" in page.content.decode()
    assert case.events.filter(kind="deadline_exception").exists()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"reason": ""}, "Choose the reason for the exception"),
        ({"evidence": "  "}, "Describe the evidence for the exception"),
        (
            {"family_told_on_0": "", "family_told_on_1": "", "family_told_on_2": ""},
            "Enter the date the family was told",
        ),
        (
            {"family_told_on_0": "30", "family_told_on_1": "2"},
            "The date the family was told must be a real date",
        ),
        (
            {"ends_on_0": "", "ends_on_1": "", "ends_on_2": ""},
            "Enter the date the closure or absence ended",
        ),
    ],
)
def test_bad_input_gives_govuk_errors_and_keeps_what_was_typed(
    client, case, caseworker, change, message
):
    client.force_login(caseworker)
    data = {**_absence(timezone.localdate()), **change}
    response = client.post(_url(case), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert not DeadlineException.objects.exists()


def test_an_absence_shorter_than_four_weeks_is_not_an_exception(client, case, caseworker):
    today = timezone.localdate()
    client.force_login(caseworker)
    data = {**_absence(today), **_date("ends_on", today - timedelta(days=14))}
    response = client.post(_url(case), data)
    assert "at least 4 weeks" in response.content.decode()
    # 28 days counting both ends is enough
    data = {
        **_absence(today),
        **_date("starts_on", today - timedelta(days=37)),
        **_date("ends_on", today - timedelta(days=10)),
    }
    assert client.post(_url(case), data).status_code == 302


def test_personal_circumstances_need_no_end_date(db, case, caseworker):
    exception = deadline_exception_record(
        case=case,
        deadline_key="advice",
        reason=ExceptionReason.PERSONAL_CIRCUMSTANCES,
        starts_on=timezone.localdate(),
        ends_on=None,
        evidence="Bereavement in the family",
        family_told_on=timezone.localdate(),
        actor=caseworker,
    )
    assert exception.pk


def test_service_refuses_a_deadline_without_a_statutory_exception(db, case, caseworker):
    with pytest.raises(CaseworkRefused):
        deadline_exception_record(
            case=case,
            deadline_key="draft_comments",
            reason=ExceptionReason.PERSONAL_CIRCUMSTANCES,
            starts_on=timezone.localdate(),
            ends_on=None,
            evidence="x",
            family_told_on=timezone.localdate(),
            actor=caseworker,
        )


def test_unknown_deadline_key_is_404(client, case, caseworker):
    client.force_login(caseworker)
    assert client.get(_url(case, "draft_comments")).status_code == 404
    assert client.get(_url(case, "nonsense")).status_code == 404
    # no advice has been asked for yet at this stage
    assert client.get(_url(case, "advice")).status_code == 404


def test_form_page_for_caseworker_and_manager(client, case, caseworker, manager):
    for user in (caseworker, manager):
        client.force_login(user)
        response = client.get(_url(case))
        assert response.status_code == 200
        assert "Record an exception to “Final plan issued”" in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_exception_form_is_404_for_other_roles(client, case, user_of_role, role):
    family_for(case)
    client.force_login(user_of_role(role))
    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), _absence(timezone.localdate())).status_code == 404


def test_exception_form_is_404_for_staff_of_another_area(client, case, user_of_role):
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))
        assert client.get(_url(case)).status_code == 404
        assert client.post(_url(case), _absence(timezone.localdate())).status_code == 404
    assert not DeadlineException.objects.exists()


# -- timeliness: hand-worked numbers ------------------------------------------------------------


def _final(team, received: date, issued: date, excepted: bool = False):
    case = CaseFactory(
        team=team, stage="final_issued", received_on=received, final_issued_on=issued
    )
    if excepted:
        DeadlineException.objects.create(
            case=case,
            deadline_key="final_plan",
            reason=ExceptionReason.ABSENCE,
            starts_on=received,
            ends_on=received + timedelta(days=40),
            evidence="e",
            family_told_on=received + timedelta(days=41),
        )
    return case


def test_timeliness_including_and_excluding_exceptions_by_hand(db, team):
    received = date(2025, 1, 6)
    deadline = received + timedelta(weeks=20)  # 26 May 2025
    assert deadline == date(2025, 5, 26)
    # 10 plans issued in 2025:
    # 5 on time (one on the very last day), no exception
    for early in (0, 10, 20, 30, 40):
        _final(team, received, deadline - timedelta(days=early))
    # 3 late without exception
    for late in (1, 15, 60):
        _final(team, received, deadline + timedelta(days=late))
    # 2 late with an exception
    for late in (5, 30):
        _final(team, received, deadline + timedelta(days=late), excepted=True)
    # Not counted: issued in 2024, another area, and an on-time plan with an exception.
    _final(team, date(2024, 1, 8), date(2024, 5, 1))
    _final(TeamFactory(), received, deadline)
    _final(team, received, deadline - timedelta(days=3), excepted=True)
    report = MEASURES["final_plan"].rate(
        period_from_key("calendar-2025"), team.area_id, date(2025, 12, 31)
    )
    # including: on time 5 + 1 (excepted but on time) = 6 of 11
    assert (report.on_time, report.total) == (6, 11)
    assert report.percent_including == 54.5
    # excluding (DfE): drop the 3 excepted from both: 5 of 8
    assert (report.on_time_excl, report.total_excl) == (5, 8)
    assert report.percent_excluding == 62.5
    assert report.excepted == 3


def test_the_old_timeliness_address_leads_to_the_dashboard(client, manager):
    client.force_login(manager)
    response = client.get(reverse("casework:timeliness"), {"year": "2025"})
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("reporting:dashboard") + "?period=calendar-2025#timeliness"
    )


@pytest.mark.parametrize("role", [r for r in Role if r != Role.TEAM_MANAGER])
def test_the_old_timeliness_address_is_404_for_other_roles(client, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(reverse("casework:timeliness")).status_code == 404
