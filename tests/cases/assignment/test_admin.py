"""Rules, weights and profiles are edited in the admin, without a deploy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.assignment.decisions import AssignmentRefused, case_assign
from cases.assignment.models import AssignmentRule, CaseworkerProfile, PriorityIndicator
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_every_install_has_the_default_rules_and_indicators():
    assert dict(AssignmentRule.objects.values_list("key", "weight")) == {
        "area_match": 40,
        "capacity": 30,
        "specialism": 15,
        "continuity": 30,
        "language": 10,
    }
    assert AssignmentRule.objects.get(key="area_match").hard is True
    assert set(PriorityIndicator.objects.values_list("key", flat=True)) == {
        "deadline",
        "looked_after",
        "transition",
        "complexity",
        "waiting_on_others",
    }


@pytest.mark.parametrize(
    "model", ["caseworkerprofile", "assignmentrule", "priorityindicator", "assignmentdecision"]
)
def test_admin_lists_render(admin_client, model):
    assert admin_client.get(reverse(f"admin:assignment_{model}_changelist")).status_code == 200


def test_admin_edits_a_profile_with_specialisms_and_languages(admin_client, caseworker):
    response = admin_client.post(
        reverse("admin:assignment_caseworkerprofile_add"),
        {
            "user": caseworker.pk,
            "fte": "0.6",
            "target_caseload": "40",
            "specialisms": ["early_years", "semh"],
            "languages": "Urdu, Polish , ",
            "taking_new_cases": "",
            "not_taking_reason": "",
            "not_taking_note": "",
        },
    )
    assert response.status_code == 200  # not taking new cases needs a reason
    assert "Say why this caseworker is not taking new cases." in response.content.decode()
    response = admin_client.post(
        reverse("admin:assignment_caseworkerprofile_add"),
        {
            "user": caseworker.pk,
            "fte": "0.6",
            "target_caseload": "40",
            "specialisms": ["early_years", "semh"],
            "languages": "Urdu, Polish , ",
            "taking_new_cases": "on",
            "not_taking_reason": "",
            "not_taking_note": "",
        },
    )
    assert response.status_code == 302
    profile = CaseworkerProfile.objects.get(user=caseworker)
    assert profile.specialisms == ["early_years", "semh"]
    assert profile.languages == ["Urdu", "Polish"]
    assert profile.capacity == 24


@pytest.mark.parametrize("key,weight", [("language", "10"), ("capacity", "30")])
def test_only_the_area_rule_can_be_hard(admin_client, key, weight):
    """Capacity is always a limit, so a "hard" switch on it would promise something it does
    not change: the admin is told instead."""
    rule = AssignmentRule.objects.get(key=key)
    response = admin_client.post(
        reverse("admin:assignment_assignmentrule_change", args=[rule.pk]),
        {"key": key, "weight": weight, "enabled": "on", "hard": "on", "description": ""},
    )
    assert "Only the area rule can be hard: capacity is always a limit." in (
        response.content.decode()
    )
    rule.refresh_from_db()
    assert rule.hard is False


def test_closed_cases_are_not_assigned(team):
    case = CaseFactory(team=team, closed=True, caseworker=None)
    with pytest.raises(AssignmentRefused):
        case_assign(case=case)
