"""Ratification stays inside the decision's area (issue 14): a team manager of the area, the
chair of a later quorate meeting of the same panel type in the same area, or the head of
service. Everyone else, including a chair of another area's panel, finds no such decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from ehcp_portal.accounts.models import Discipline, Role
from panels.models import Decision, Meeting
from panels.services import PanelRefused, decision_ratify, decision_record
from tests.factories import AreaFactory, CaseFactory, TeamFactory, UserFactory, family_for
from tests.panels.conftest import hold

REASONS = "His needs can be met from the support his school already provides."


@pytest.fixture
def pending(make_meeting, on_agenda, team, caseworker) -> Decision:
    """A decision of last week's non-quorate meeting in the team's area, awaiting ratification."""
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    meeting = make_meeting(
        on=timezone.localdate() - timedelta(days=7), status=Meeting.Status.PUBLISHED
    )
    on_agenda(meeting, case)
    hold(meeting, absent=(Discipline.EDUCATIONAL_PSYCHOLOGY,))
    return decision_record(
        meeting=meeting, case=case, actor=meeting.chair, outcome="agree", reasons=REASONS
    )


def _chair_of_a_later_quorate_meeting(make_meeting, area) -> object:
    chair = UserFactory(role=Role.PANEL_MEMBER, discipline=Discipline.EDUCATION)
    meeting = make_meeting(chair=chair, area=area, status=Meeting.Status.PUBLISHED)
    assert hold(meeting).quorate
    return chair


def _ratified(client, decision: Decision) -> bool:
    response = client.post(reverse("panels:ratify", args=[decision.pk]))
    decision.refresh_from_db()
    return response.status_code == 302 and decision.ratified_at is not None


def test_a_chair_of_another_areas_panel_neither_sees_nor_ratifies(client, make_meeting, pending):
    other_area = AreaFactory()
    chair = _chair_of_a_later_quorate_meeting(make_meeting, other_area)
    client.force_login(chair)
    page = client.get(reverse("panels:ratification")).content.decode()
    assert pending.item.case.reference not in page
    assert "There are no decisions waiting for ratification" in page
    assert client.post(reverse("panels:ratify", args=[pending.pk])).status_code == 404
    with pytest.raises(PanelRefused, match="in the same area"):
        decision_ratify(decision=pending, actor=chair)
    pending.refresh_from_db()
    assert pending.ratified_at is None


def test_a_team_manager_of_another_area_gets_404(client, pending):
    other_manager = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory())
    client.force_login(other_manager)
    assert (
        pending.item.case.reference
        not in client.get(reverse("panels:ratification")).content.decode()
    )
    assert client.post(reverse("panels:ratify", args=[pending.pk])).status_code == 404


def test_a_chair_of_a_later_quorate_meeting_in_the_same_area_ratifies(
    client, make_meeting, pending, team
):
    chair = _chair_of_a_later_quorate_meeting(make_meeting, team.area)
    client.force_login(chair)
    assert (
        pending.item.case.reference in client.get(reverse("panels:ratification")).content.decode()
    )
    assert _ratified(client, pending)
    assert pending.ratified_by == chair
    pending.item.case.refresh_from_db()
    assert pending.item.case.stage == Stage.ASSESSING


def test_the_head_of_service_ratifies_in_any_area(client, pending):
    head = UserFactory(role=Role.HEAD_OF_SERVICE)
    client.force_login(head)
    page = client.get(reverse("panels:ratification")).content.decode()
    assert pending.item.case.reference in page
    assert _ratified(client, pending)
    assert pending.ratified_by == head


def test_the_team_manager_of_the_area_still_ratifies(client, pending, manager):
    client.force_login(manager)
    assert _ratified(client, pending)


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.CASEWORKER,
        Role.ELECTED_MEMBER,
        Role.DPO,
        Role.ADMIN,
    ],
)
def test_other_roles_have_no_ratification_at_all(client, user_of_role, pending, role):
    client.force_login(user_of_role(role))
    assert client.get(reverse("panels:ratification")).status_code == 404
    assert client.post(reverse("panels:ratify", args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.ratified_at is None
