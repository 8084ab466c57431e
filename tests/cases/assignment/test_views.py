"""Managers' assignment pages: allowed for the area's team manager, 404 for everyone else."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from cases.assignment.decisions import case_assign
from cases.assignment.models import CohortImport
from cases.models import Case, Route, Stage
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

pytestmark = pytest.mark.django_db

OTHER_ROLES = [r for r in Role if r != Role.TEAM_MANAGER]
AREA_PAGES = ["assignment:queue", "assignment:rebalance", "assignment:cohort"]


@pytest.fixture
def assigned_case(team, make_worker):
    make_worker(team, open_cases=2)
    case = CaseFactory(team=team, caseworker=None, stage=Stage.RECEIVED)
    case_assign(case=case)
    case.refresh_from_db()
    return case


# -- the case's assignment page ---------------------------------------------------------------


def test_manager_of_the_area_sees_why_the_case_went_to_its_caseworker(
    client, manager, assigned_case
):
    client.force_login(manager)
    response = client.get(reverse("assignment:case", args=[assigned_case.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(str(assigned_case.caseworker)) in body
    assert f"Area: {assigned_case.area.name} (+40); capacity 2/40 (+28)" in body
    assert "The rules" in body  # decided by the rules, not a person


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_case_assignment_page_is_404_for_every_other_role(
    client, user_of_role, assigned_case, role
):
    client.force_login(user_of_role(role))
    url = reverse("assignment:case", args=[assigned_case.reference])
    assert client.get(url).status_code == 404
    override = reverse("assignment:override", args=[assigned_case.reference])
    assert client.get(override).status_code == 404


def test_case_assignment_page_is_404_for_its_own_caseworker_family_and_other_area_manager(
    client, assigned_case, user_of_role
):
    url = reverse("assignment:case", args=[assigned_case.reference])
    for user in (
        assigned_case.caseworker,
        family_for(assigned_case),
        user_of_role(Role.TEAM_MANAGER),  # a manager in another area
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert client.get(reverse("assignment:case", args=["EHC-2099-000001"])).status_code == 404


def test_assignment_pages_need_sign_in(client, assigned_case):
    url = reverse("assignment:case", args=[assigned_case.reference])
    assert reverse("account_login") in client.get(url)["Location"]
    for name in AREA_PAGES:
        assert client.get(reverse(name)).status_code == 302


# -- override -----------------------------------------------------------------------------------


def test_manager_overrides_with_a_reason(client, manager, assigned_case, make_worker):
    other = make_worker(assigned_case.team)
    client.force_login(manager)
    url = reverse("assignment:override", args=[assigned_case.reference])
    response = client.post(url, {"caseworker": other.pk, "reason": "Speaks with the family"})
    assert response.status_code == 302
    assigned_case.refresh_from_db()
    assert assigned_case.caseworker == other
    page = client.get(reverse("assignment:case", args=[assigned_case.reference]))
    assert "Manager override: Speaks with the family" in page.content.decode()
    timeline = client.get(reverse("casework:case_timeline", args=[assigned_case.reference]))
    assert "Speaks with the family" in timeline.content.decode()


def test_override_errors_are_shown_and_input_kept(client, manager, assigned_case, make_worker):
    other = make_worker(assigned_case.team)
    elsewhere = make_worker(TeamFactory())
    client.force_login(manager)
    url = reverse("assignment:override", args=[assigned_case.reference])

    response = client.post(url, {"caseworker": other.pk, "reason": "   "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter why you are changing the caseworker" in body
    assert f'value="{other.pk}" selected' in body

    response = client.post(url, {"caseworker": other.pk, "reason": "a\x00b"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()

    response = client.post(url, {"caseworker": elsewhere.pk, "reason": "Because"})
    assert "Choose a caseworker from the list" in response.content.decode()
    assigned_case.refresh_from_db()
    assert assigned_case.caseworker != elsewhere


# -- unassigned queue ---------------------------------------------------------------------------


def test_queue_lists_the_areas_unassigned_cases_in_a_fixed_number_of_queries(
    client, manager, team, make_worker, django_assert_num_queries
):
    make_worker(team)
    mine = [CaseFactory(team=team, caseworker=None, priority=p) for p in (5, 90)]
    elsewhere = CaseFactory(team=TeamFactory(), caseworker=None)
    client.force_login(manager)
    url = reverse("assignment:queue")
    # session, user, manager's area id, the queue's kept length, page of cases, the area,
    # the ids of a page of the area's caseworkers in order with how many there are, then
    # those caseworkers with kept open-case counts and profiles
    # + the unread notifications count in the header
    with django_assert_num_queries(9):
        body = client.get(url).content.decode()
    assert mine[1].reference in body and mine[0].reference in body
    assert body.index(mine[1].reference) < body.index(mine[0].reference)  # priority first
    assert elsewhere.reference not in body
    for _ in range(5):
        CaseFactory(team=team, caseworker=None)
    # + the unread notifications count in the header
    with django_assert_num_queries(9):
        client.get(url)


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("name", AREA_PAGES)
def test_area_pages_are_404_for_other_roles(client, user_of_role, role, name):
    client.force_login(user_of_role(role))
    assert client.get(reverse(name)).status_code == 404


def test_area_pages_are_404_for_a_manager_without_a_team(client):
    client.force_login(UserFactory(role=Role.TEAM_MANAGER))
    for name in AREA_PAGES:
        assert client.get(reverse(name)).status_code == 404


# -- rebalancing --------------------------------------------------------------------------------


def _proposal(body: str) -> list[tuple[str, str]]:
    table = body[body.index('id="proposal"') :]
    rows = re.findall(
        r'<td class="govuk-table__cell">(EHC-[\d-]+)</td>\s*<td[^>]*>[^<]*</td>\s*'
        r"<td[^>]*>([^<]+)</td>",
        table,
    )
    # Names are HTML-escaped on the page (O'Sullivan → O&#x27;Sullivan).
    return [(ref, html.unescape(name)) for ref, name in rows]


def test_rebalance_preview_then_apply_moves_exactly_what_was_shown(
    client, manager, team, make_worker
):
    leaving = make_worker(team)
    a, b = make_worker(team, open_cases=1), make_worker(team, open_cases=1)
    for _ in range(4):
        CaseFactory(team=team, caseworker=leaving)
    client.force_login(manager)
    url = reverse("assignment:rebalance")

    preview = client.get(url, {"caseworker": leaving.pk})
    body = preview.content.decode()
    assert preview.status_code == 200
    shown = _proposal(body)
    assert len(shown) == 4
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', body).group(1)

    response = client.post(
        url,
        {"caseworker": leaving.pk, "fingerprint": fingerprint, "why": "leaving", "reason": "Left"},
    )
    assert response.status_code == 302
    names = {a.pk: a.full_name, b.pk: b.full_name}
    actual = {
        ref: names[worker]
        for ref, worker in Case.objects.filter(reference__in=[r for r, _ in shown]).values_list(
            "reference", "caseworker_id"
        )
    }
    assert actual == dict(shown)


def test_rebalance_stale_preview_and_missing_note_are_shown_as_errors(
    client, manager, team, make_worker
):
    leaving = make_worker(team)
    make_worker(team)
    CaseFactory(team=team, caseworker=leaving)
    client.force_login(manager)
    url = reverse("assignment:rebalance")

    response = client.post(url, {"caseworker": leaving.pk, "fingerprint": "stale", "reason": "x"})
    assert response.status_code == 200
    assert "Caseloads changed since you looked at the proposal" in response.content.decode()
    response = client.post(url, {"caseworker": leaving.pk, "fingerprint": "stale", "reason": ""})
    assert "Enter a note for the timeline" in response.content.decode()
    assert Case.objects.filter(caseworker=leaving).count() == 1


def test_rebalance_of_another_areas_caseworker_is_404(client, manager, make_worker):
    elsewhere = make_worker(TeamFactory())
    client.force_login(manager)
    url = reverse("assignment:rebalance")
    response = client.post(url, {"caseworker": elsewhere.pk, "fingerprint": "x", "reason": "y"})
    assert response.status_code == 404
    response = client.get(url, {"caseworker": elsewhere.pk})
    assert "Choose a caseworker from the list" in response.content.decode()


# -- cohort upload ------------------------------------------------------------------------------

HEADER = "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs\n"


def test_manager_uploads_a_cohort_and_sees_the_row_report(client, manager, team, make_worker):
    make_worker(team)
    d = team.area.postcode_districts[0]
    csv = HEADER + f"Amira,Khan,2018-04-02,{d} 1AA,,no,SEMH\nLily,Wood,,{d} 2AB,,no,ASD\n"
    client.force_login(manager)
    response = client.post(
        reverse("assignment:cohort"),
        {"file": SimpleUploadedFile("fif.csv", csv.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    report = client.get(response["Location"]).content.decode()
    assert "1 case created, 1 row rejected" in report
    assert "missing date of birth" in report
    assert Case.objects.filter(route=Route.COHORT, child__first_name="Amira").exists()

    other_manager = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory())
    client.force_login(other_manager)
    assert client.get(response["Location"]).status_code == 404


@pytest.mark.parametrize(
    "upload,message",
    [
        (None, "Select a CSV file"),
        (SimpleUploadedFile("x.txt", b"hello"), "The selected file must be a CSV"),
        (SimpleUploadedFile("x.csv", b"name\nA\n"), "Missing: first_name"),
        (SimpleUploadedFile("x.csv", HEADER.encode()), "The selected file has no children in it"),
        (SimpleUploadedFile("x.csv", b""), "The selected file is empty"),
    ],
)
def test_cohort_upload_errors_are_govuk_errors(client, manager, upload, message):
    client.force_login(manager)
    data = {"file": upload} if upload is not None else {}
    response = client.post(reverse("assignment:cohort"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not CohortImport.objects.exists()
