"""The council configures itself in the admin: its profile (printed on every decision letter),
areas, teams and settings. Nobody but an administrator reaches those pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Area, CouncilProfile, Setting
from ehcp_portal.accounts.models import Role
from tests.factories import SettingFactory, TeamFactory


@pytest.mark.parametrize("model", ["area", "team", "setting", "councilprofile"])
def test_the_administrator_lists_each_configuration_page(admin_client, model):
    TeamFactory()
    SettingFactory()
    CouncilProfile.current()
    assert admin_client.get(reverse(f"admin:cases_{model}_changelist")).status_code == 200


def test_the_administrator_adds_a_school(admin_client):
    area = Area.objects.create(name="Outer East", postcode_districts=["LS15"])
    response = admin_client.post(
        reverse("admin:cases_setting_add"),
        {
            "name": "Temple Newsam Primary",
            "urn": "107999",
            "setting_type": "primary",
            "phase": "Primary",
            "needs_met": "[]",
            "capacity": "420",
            "places_taken": "400",
            "area": str(area.pk),
            "postcode": "LS15 0AA",
        },
    )
    assert response.status_code == 302
    assert Setting.objects.filter(name="Temple Newsam Primary", area=area).exists()


def test_the_council_profile_is_one_row_that_cannot_be_deleted(admin_client):
    profile = CouncilProfile.current()
    assert admin_client.get(reverse("admin:cases_councilprofile_add")).status_code == 403
    delete = reverse("admin:cases_councilprofile_delete", args=[profile.pk])
    assert admin_client.get(delete).status_code == 403


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_do_not_reach_the_configuration(client, user_of_role, role):
    client.force_login(user_of_role(role))
    response = client.get(reverse("admin:cases_councilprofile_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
