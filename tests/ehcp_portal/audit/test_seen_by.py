"""'Who has seen your information': the family sees who outside the family read their child's
record (council staff by name and role, others by organisation), newest first, grouped by day;
never their own reads, never another child's log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.audit.services import access_record, organisation_of
from tests.factories import CaseFactory, SettingFactory, UserFactory, family_for


def _url(case) -> str:
    return reverse("audit:seen_by", args=[case.reference])


def _read(user, case, kind="case", ago: timedelta | None = None) -> None:
    if ago is None:
        access_record(user, kind=kind, case=case)
        return
    AccessRecord.objects.create(
        at=timezone.now() - ago,
        user=user,
        user_name=user.get_full_name(),
        role=user.role,
        organisation=organisation_of(user),
        child_id=case.child_id,
        case_id=case.pk,
        case_reference=case.reference,
        kind=kind,
    )


@pytest.fixture
def parent(case):
    return family_for(case)


def test_the_tracker_links_to_the_page(client, case, parent):
    client.force_login(parent)
    page = client.get(reverse("families:track", args=[case.reference])).content.decode()
    assert _url(case) in page and "Who has seen your information" in page


def test_the_family_sees_staff_by_name_and_others_by_organisation(client, case, parent, caseworker):
    school = SettingFactory(name="Oakfield Primary School")
    senco = UserFactory(role=Role.SCHOOL, setting=school, full_name="Private Senco Name")
    councillor = UserFactory(
        role=Role.ELECTED_MEMBER, ward="Riverside", full_name="Councillor Private"
    )
    _read(caseworker, case)
    _read(senco, case, kind="plan")
    _read(councillor, case, kind="member_view")
    _read(parent, case, kind="tracker")  # the family's own read
    client.force_login(parent)
    response = client.get(_url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{caseworker.full_name}, caseworker" in page
    assert caseworker.team.name in page
    assert "Oakfield Primary School" in page and "Private Senco Name" not in page
    assert "Councillor, Riverside" in page and "Councillor Private" not in page
    assert "EHC plan" in page and "Councillor&#x27;s enquiry" in page
    assert "Request tracker" not in page  # the family's own reads are not listed


def test_reads_are_listed_newest_first_by_day(client, case, parent, caseworker, manager):
    _read(manager, case, ago=timedelta(days=3))
    _read(caseworker, case, ago=timedelta(days=1))
    client.force_login(parent)
    page = client.get(_url(case)).content.decode()
    recent = timezone.localtime() - timedelta(days=1)
    older = timezone.localtime() - timedelta(days=3)
    assert page.index(recent.strftime("%-d %B %Y")) < page.index(older.strftime("%-d %B %Y"))
    assert page.index(caseworker.full_name) < page.index(manager.full_name)


def test_a_record_nobody_has_read_says_so(client, case, parent):
    client.force_login(parent)
    page = client.get(_url(case)).content.decode()
    assert "Nobody outside your family has opened" in page


def test_a_family_never_sees_another_childs_log(client, case, parent, caseworker):
    other = CaseFactory(team=case.team, caseworker=caseworker)
    family_for(other)
    _read(caseworker, other)
    client.force_login(parent)
    assert client.get(_url(other)).status_code == 404


@pytest.mark.parametrize(
    "role",
    [
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
        Role.HEAD_OF_SERVICE,
        Role.DPO,
        Role.ADMIN,
    ],
)
def test_the_page_is_the_familys_only(client, case, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(_url(case)).status_code == 404


def test_the_case_own_caseworker_gets_404_too(client, case, caseworker):
    client.force_login(caseworker)
    assert client.get(_url(case)).status_code == 404


@pytest.mark.parametrize("n", [3, 40])
def test_the_page_runs_a_fixed_number_of_queries(
    client, case, parent, caseworker, n, django_assert_num_queries
):
    for _ in range(n):
        _read(caseworker, case)
    client.force_login(parent)
    # session, user, the case (with the child), the count, one page of records, the unread
    # notifications count in the header
    with django_assert_num_queries(6):
        response = client.get(_url(case))
    assert response.status_code == 200
    assert response.content.decode().count(f"{caseworker.full_name}, caseworker") == min(n, 25)


def test_the_page_is_never_cached(client, case, parent):
    client.force_login(parent)
    assert "no-store" in client.get(_url(case))["Cache-Control"]
