"""Panel types are configured in the admin with checkbox lists, not raw JSON."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from panels.models import PanelType


def _post(panel_type: PanelType, **extra: object) -> dict[str, object]:
    return {
        "name": panel_type.name,
        "slug": panel_type.slug,
        "description": panel_type.description,
        "required_disciplines": ["education", "health", "social_care"],
        "decision_fields": ["funding_band", "setting"],
        "ready_stages": panel_type.ready_stages,
        "outcomes": json.dumps(panel_type.outcomes),
        "active": "on",
        **extra,
    }


@pytest.fixture
def issue_panel(db) -> PanelType:
    return PanelType.objects.get(slug="decision-to-issue")


def test_disciplines_and_decision_fields_are_checkboxes_in_words(admin_client, issue_panel):
    url = reverse("admin:panels_paneltype_change", args=[issue_panel.pk])
    page = admin_client.get(url).content.decode()
    assert 'type="checkbox" name="required_disciplines" value="ep"' in page
    assert "Educational psychology" in page
    assert 'type="checkbox" name="decision_fields" value="transport"' in page
    assert "Transport eligibility" in page
    assert 'type="checkbox" name="ready_stages" value="deciding_issue"' in page


def test_the_administrator_changes_who_must_attend(admin_client, issue_panel):
    url = reverse("admin:panels_paneltype_change", args=[issue_panel.pk])
    assert admin_client.post(url, _post(issue_panel)).status_code == 302
    issue_panel.refresh_from_db()
    assert issue_panel.required_disciplines == ["education", "health", "social_care"]
    assert issue_panel.decision_fields == ["funding_band", "setting"]
    listing = admin_client.get(reverse("admin:panels_paneltype_changelist")).content.decode()
    assert "Education, Health, Social care" in listing


def test_an_unknown_discipline_is_refused(admin_client, issue_panel):
    before = list(issue_panel.required_disciplines)
    url = reverse("admin:panels_paneltype_change", args=[issue_panel.pk])
    response = admin_client.post(url, _post(issue_panel, required_disciplines=["astrology"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    issue_panel.refresh_from_db()
    assert issue_panel.required_disciplines == before


def test_a_panel_type_needs_a_stage(admin_client, issue_panel):
    url = reverse("admin:panels_paneltype_change", args=[issue_panel.pk])
    response = admin_client.post(url, _post(issue_panel, ready_stages=[]))
    assert response.status_code == 200
    assert "Choose at least one case stage" in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_do_not_reach_panel_types(client, user_of_role, role):
    client.force_login(user_of_role(role))
    response = client.get(reverse("admin:panels_paneltype_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
