"""Who gets in: a system by its token (scopes, areas, expiry, revocation), a person by their
session; every refusal is problem details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from cases.integrations.models import ApiClient, Scope
from cases.integrations.tokens import client_revoke
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.factories import AreaFactory, CaseFactory, TeamFactory, UserFactory
from tests.integrations.conftest import ApiCaller, issue_client

CASES = "/api/v1/cases/"


def test_the_secret_is_stored_only_as_a_hash(manager):
    client, token = issue_client(manager, [Scope.CASES_READ])
    stored = ApiClient.objects.get(pk=client.pk)
    secret = token.rsplit("_", 1)[-1]
    assert secret not in stored.secret_hash and secret not in stored.prefix
    assert token.startswith(f"ehcp_{stored.prefix}_")


def test_a_system_reads_its_owners_cases_and_the_read_is_in_the_access_log(case, manager_system):
    response = manager_system.get(CASES)
    assert response.status_code == 200
    assert [c["reference"] for c in response.json()["results"]] == [case.reference]
    record = AccessRecord.objects.get(case_id=case.pk)
    assert record.user is None and record.channel == "api"
    assert record.user_name == f"API client: {manager_system.client.name}"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nonsense", "Bearer ehcp_abcdefgh_" + "x" * 40, "Basic dXNlcjpwYXNz"],
)
def test_no_or_a_wrong_token_is_a_401_problem(case, header):
    http = ApiCaller("").http
    response = http.get(CASES, headers={"Authorization": header} if header else {})
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code and body["title"] and body["detail"]


def test_a_token_with_the_right_prefix_but_wrong_secret_is_refused(case, manager_system):
    prefix = manager_system.client.prefix
    caller = ApiCaller(f"ehcp_{prefix}_" + "A" * 43)
    assert caller.get(CASES).status_code == 401


def test_a_revoked_token_is_refused_at_once(case, manager_system):
    assert manager_system.get(CASES).status_code == 200
    client_revoke(client=manager_system.client)
    response = manager_system.get(CASES)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_is_refused(case, manager):
    client, token = issue_client(manager, [Scope.CASES_READ], expires_in=timedelta(seconds=-1))
    assert ApiCaller(token).get(CASES).status_code == 401


def test_a_token_whose_owner_left_is_refused(case, manager_system, manager):
    manager.is_active = False
    manager.save()
    assert manager_system.get(CASES).status_code == 401


def test_a_token_limited_to_one_area_never_sees_another_areas_cases(
    head_of_service, api_client_for
):
    mine, theirs = TeamFactory(), TeamFactory()
    in_mine = CaseFactory(team=mine)
    in_theirs = CaseFactory(team=theirs)
    caller = api_client_for(head_of_service, Scope.CASES_READ, areas=[mine.area])
    listed = [c["reference"] for c in caller.get(CASES).json()["results"]]
    assert listed == [in_mine.reference]
    for path in (
        "",
        "timeline/",
        "documents/",
        "child/",
        "advice-requests/",
        "decisions/",
        "plan/",
    ):
        response = caller.get(f"{CASES}{in_theirs.reference}/{path}")
        assert response.status_code == 404, path
        assert response.json()["detail"] == "There is nothing here, or you may not see it."
    assert caller.get(f"{CASES}{in_mine.reference}/").status_code == 200
    # Filtering by the other area finds nothing rather than an error.
    assert caller.get(CASES, area=theirs.area.pk).json()["results"] == []


def test_an_owner_sees_only_what_their_access_policy_allows(case, api_client_for, user_of_role):
    other_manager = user_of_role(Role.TEAM_MANAGER)
    caller = api_client_for(other_manager, Scope.CASES_READ)
    assert caller.get(CASES).json()["results"] == []
    assert caller.get(f"{CASES}{case.reference}/").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.HEAD_OF_SERVICE,)])
def test_people_of_other_roles_and_areas_get_404_through_their_session(
    client, case, user_of_role, role
):
    client.force_login(user_of_role(role))
    response = client.get(f"{CASES}{case.reference}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert case.reference not in client.get(CASES).content.decode()


def test_a_person_keeps_using_their_session(client, case, caseworker):
    client.force_login(caseworker)
    response = client.get(f"{CASES}{case.reference}/")
    assert response.status_code == 200
    assert {d["key"] for d in response.json()["deadlines"]} >= {"decision_to_assess"}
    assert AccessRecord.objects.get(case_id=case.pk).user == caseworker


def test_a_client_without_the_scope_is_refused_with_a_403_problem(case, manager, api_client_for):
    caller = api_client_for(manager, Scope.EVENTS_READ)
    response = caller.get(CASES)
    assert response.status_code == 403
    assert "cases:read" in response.json()["detail"]


def test_calls_are_rate_limited_per_client(case, manager):
    cache.clear()
    client, token = issue_client(manager, [Scope.CASES_READ], rate=3)
    caller = ApiCaller(token)
    codes = [caller.get(CASES).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = caller.get(CASES)
    assert limited["Retry-After"]
    assert limited.json()["title"] == "Too many requests"
    # Another client has its own count.
    _, other = issue_client(manager, [Scope.CASES_READ], rate=3)
    assert ApiCaller(other).get(CASES).status_code == 200


def test_the_command_issues_a_client_and_prints_its_token_once(case, manager, capsys):
    call_command(
        "api_client_create",
        "--name",
        "Warehouse",
        "--owner",
        manager.email,
        "--scopes",
        "cases:read",
        "events:read",
        "--areas",
        manager.team.area.name,
    )
    token = capsys.readouterr().out.strip()
    client = ApiClient.objects.get(name="Warehouse")
    assert client.scopes == ["cases:read", "events:read"]
    assert list(client.areas.all()) == [manager.team.area]
    assert ApiCaller(token).get(CASES).json()["results"][0]["reference"] == case.reference


def test_the_old_paths_still_lead_to_the_cases(client, case, caseworker):
    client.force_login(caseworker)
    listed = client.get("/api/cases/", follow=True).json()
    assert [c["reference"] for c in listed["results"]] == [case.reference]
    detail = client.get(f"/api/cases/{case.reference}/", follow=True).json()
    assert detail["child"] == case.child.full_name


def test_an_admin_issues_a_client_and_sees_the_token_once(client, manager):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    area = AreaFactory()
    response = client.post(
        "/admin/integrations/apiclient/add/",
        {
            "name": "Health system",
            "owner": manager.pk,
            "scopes": ["advice:write"],
            "areas": [area.pk],
            "expires_at_0": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "expires_at_1": "12:00:00",
            "rate_per_minute": 600,
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("ehcp_" in m and "not shown again" in m for m in shown), shown
    client_row = ApiClient.objects.get(name="Health system")
    token = next(m for m in shown if "ehcp_" in m).split(" is ", 1)[1].split(" ")[0]
    assert token.startswith(f"ehcp_{client_row.prefix}_")
    assert token.rsplit("_", 1)[1] not in client_row.secret_hash
