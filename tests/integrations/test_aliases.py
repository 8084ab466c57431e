"""The first API's paths lead to v1; the head of service reads every area; nobody gets in
without signing in."""

from __future__ import annotations

from django.urls import reverse

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory


def test_the_old_list_path_keeps_its_meaning_open_cases(client, case, caseworker):
    CaseFactory(team=case.team, caseworker=caseworker, closed=True)
    client.force_login(caseworker)
    response = client.get(reverse("integrations:api_case_list"))
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/cases/?is_open=true"
    listed = client.get(response["Location"]).json()
    assert [c["reference"] for c in listed["results"]] == [case.reference]


def test_head_of_service_reads_cases_of_every_area(client, user_of_role):
    other = CaseFactory(team=TeamFactory())
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    response = client.get(f"/api/cases/{other.reference}/", follow=True)
    assert response.status_code == 200
    assert response.json()["reference"] == other.reference


def test_api_needs_sign_in_and_says_so_in_problem_details(client, case):
    response = client.get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


def test_the_schema_is_valid_openapi_with_no_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "openapi: 3" in text and "/api/v1/cases/{reference}/" in text
    assert text.count("x-required-scope") == 16  # 15 operations and the event feed


def test_the_schema_and_docs_need_no_sign_in(client, db):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "Idempotency-Key" in docs.content.decode()
