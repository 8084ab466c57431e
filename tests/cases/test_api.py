from __future__ import annotations

import pytest
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory


def test_caseworker_lists_and_reads_own_cases(client, case, caseworker):
    client.force_login(caseworker)
    listed = client.get(reverse("cases:api_case_list")).json()
    assert [c["reference"] for c in listed["results"]] == [case.reference]
    detail = client.get(reverse("cases:api_case_detail", args=[case.reference])).json()
    assert detail["child"] == case.child.full_name
    assert {d["key"] for d in detail["deadlines"]} >= {"decision_to_assess", "final_plan"}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.HEAD_OF_SERVICE])
def test_cases_of_another_area_are_a_json_404_for_every_role(client, user_of_role, role):
    other = CaseFactory(team=TeamFactory())
    client.force_login(user_of_role(role))
    response = client.get(reverse("cases:api_case_detail", args=[other.reference]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert other.reference not in client.get(reverse("cases:api_case_list")).content.decode()


def test_head_of_service_reads_cases_of_every_area(client, user_of_role):
    other = CaseFactory(team=TeamFactory())
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    response = client.get(reverse("cases:api_case_detail", args=[other.reference]))
    assert response.status_code == 200
    assert response.json()["reference"] == other.reference


def test_api_needs_sign_in_and_says_so_in_json(client, case):
    response = client.get(reverse("cases:api_case_list"))
    assert response.status_code == 403
    assert "detail" in response.json()
