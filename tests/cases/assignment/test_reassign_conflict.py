"""Two managers reassigning the same case: the second is told who reassigned it to whom, and
nothing is overwritten; with two real database sessions, no 500."""

from __future__ import annotations

import html
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.assignment.models import AssignmentDecision
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory


@pytest.fixture
def two_managers(team, manager):
    second = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory(area=team.area))
    return manager, second


@pytest.fixture
def colleagues(team):
    return [
        UserFactory(role=Role.CASEWORKER, team=team, full_name=name)
        for name in ("Ada Ahmed", "Ben Brown")
    ]


@pytest.mark.parametrize("page", ["casework:reassign", "assignment:override"])
def test_the_second_manager_is_told_who_reassigned_it_and_keeps_what_they_typed(
    client, two_managers, colleagues, case, caseworker, page
):
    first, second = two_managers
    ada, ben = colleagues
    url = reverse(page, args=[case.reference])
    client.force_login(second)
    form = client.get(url).content.decode()
    assert f'name="based_on" value="{caseworker.pk}"' in form  # what the page was based on

    other = Client()
    other.force_login(first)
    data = {"based_on": str(caseworker.pk), "reason": "Ada knows the family"}
    assert other.post(url, {**data, "caseworker": ada.pk}).status_code == 302

    response = client.post(url, {**data, "caseworker": ben.pk, "reason": "Ben has room"})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "govuk-error-summary" in body
    assert (
        f"{first.get_full_name()} changed the caseworker of {case.reference} to Ada Ahmed" in body
    )
    assert "Ben has room" in body  # what they typed is kept
    assert f'name="based_on" value="{ada.pk}"' in body  # submitting again is now a decision
    case.refresh_from_db()
    assert case.caseworker == ada
    assert AssignmentDecision.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_at_once_in_two_database_sessions():
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(team=team, caseworker=caseworker)
    managers = [UserFactory(role=Role.TEAM_MANAGER, team=team) for _ in range(2)]
    targets = [UserFactory(role=Role.CASEWORKER, team=team) for _ in range(2)]
    url = reverse("casework:reassign", args=[case.reference])
    barrier = threading.Barrier(2)
    results: dict[int, tuple[int, str]] = {}

    def reassign(i: int) -> None:
        try:
            browser = Client(raise_request_exception=False)
            browser.force_login(managers[i])
            barrier.wait(timeout=10)
            response = browser.post(
                url,
                {
                    "based_on": str(caseworker.pk),
                    "caseworker": targets[i].pk,
                    "reason": f"Manager {i}",
                },
            )
            results[i] = (response.status_code, html.unescape(response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=reassign, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    codes = sorted(code for code, _ in results.values())
    assert codes == [200, 302], codes  # one reassigned it, the other was told; no 500
    (winner,) = [i for i, (code, _) in results.items() if code == 302]
    loser_body = results[1 - winner][1]
    summary = loser_body[loser_body.find("govuk-error-summary") :][:1500]
    assert (
        f"{managers[winner].get_full_name()} changed the caseworker of {case.reference} to "
        f"{targets[winner].get_full_name()}"
    ) in loser_body, summary
    case.refresh_from_db()
    assert case.caseworker == targets[winner]
    assert AssignmentDecision.objects.filter(case=case).count() == 1
