"""Who may open the schools app's pages: for each page, every role that must be refused gets a
404 (never a 403), and so does a SENCO of another school, a school whose basis was the family's
consent after the family withdraws it, and every school once the child has left it."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.plans.reviews import review_schedule, review_set_meeting
from cases.schools.access import CASE_SCHOOL
from cases.schools.models import SchoolReview
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from families.models import Consent, RequestDraft
from families.services import consent_revoke
from tests.factories import SettingFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHOOL_PAGES = ["schools:pupil", "schools:review", "schools:report", "schools:provision"]
FAMILY_PAGES = ["schools:family", "schools:family_provision"]


@pytest.fixture
def reviewed(plan, senco):
    """The plan's review, its meeting held on 20 Jan 2027 (invitations 6 Jan)."""
    with time_machine.travel(date(2026, 12, 1)):
        review = review_schedule(plan=plan, actor=None)
        review = review_set_meeting(review=review, meeting_on=date(2027, 1, 20), actor=senco)
    SchoolReview.objects.create(review=review, case=plan.case, setting=senco.setting)
    return review


def _user(role, plan, senco, family, caseworker):
    return {
        Role.SCHOOL: senco,
        Role.PARENT: family,
        Role.CASEWORKER: caseworker,
    }.get(role) or UserFactory(
        role=role, team=TeamFactory() if role in (Role.CASEWORKER, Role.TEAM_MANAGER) else None
    )


@pytest.mark.parametrize("page", SCHOOL_PAGES + FAMILY_PAGES + ["schools:staff_review"])
def test_each_page_refuses_every_other_role(
    client, plan, senco, family, caseworker, reviewed, page
):
    allowed = {
        **{p: {Role.SCHOOL} for p in SCHOOL_PAGES},
        "schools:family": {Role.PARENT},
        "schools:family_provision": {Role.PARENT},
        "schools:staff_review": {Role.CASEWORKER},
    }[page]
    users = {role: _user(role, plan, senco, family, caseworker) for role in Role}
    # The head of service reads every case; they may read the school's review too.
    allowed = allowed | ({Role.HEAD_OF_SERVICE} if page == "schools:staff_review" else set())
    with time_machine.travel(date(2027, 1, 25)):
        for role, user in users.items():
            client.force_login(user)
            response = client.get(reverse(page, args=[plan.case.reference]))
            assert response.status_code == (200 if role in allowed else 404), role


@pytest.mark.parametrize("page", ["schools:home", "schools:phase_transfers"])
@pytest.mark.parametrize("role", list(Role))
def test_lists_belong_to_schools_and_case_staff(client, db, user_of_role, page, role):
    allowed = {Role.SCHOOL} | (
        {Role.CASEWORKER, Role.TEAM_MANAGER} if page == "schools:phase_transfers" else set()
    )
    client.force_login(user_of_role(role))
    assert client.get(reverse(page)).status_code == (200 if role in allowed else 404)


def test_pages_need_sign_in(client, plan):
    for page in SCHOOL_PAGES + FAMILY_PAGES + ["schools:staff_review"]:
        response = client.get(reverse(page, args=[plan.case.reference]))
        assert response.status_code == 302
    assert client.get(reverse("schools:home")).status_code == 302


def test_another_school_sees_nothing(client, plan, other_senco, reviewed, consented_case):
    with time_machine.travel(date(2027, 1, 25)):
        client.force_login(other_senco)
        home = client.get(reverse("schools:home")).content.decode()
        for case in (plan.case, consented_case):
            assert case.reference not in home
            for page in SCHOOL_PAGES:
                assert client.get(reverse(page, args=[case.reference])).status_code == 404


def test_the_compiled_rule_finds_what_the_built_rule_finds_for_each_school(
    plan, senco, other_senco, consented_case
):
    """The school rule is compiled once and each school's id bound to it: for every school it
    finds exactly the cases the rule built afresh for that school finds."""
    from django.db.models import Q

    from cases.models import Case
    from cases.schools.access import _bases, school_cases_filter

    for user in (senco, other_senco):
        built = Q(child__setting_id=user.setting_id, pk__in=_bases(user.setting_id))
        expected = set(Case.objects.filter(built).values_list("pk", flat=True))
        found = set(Case.objects.filter(school_cases_filter(user)).values_list("pk", flat=True))
        assert found == expected
    assert {plan.case.pk, consented_case.pk} <= set(
        Case.objects.filter(school_cases_filter(senco)).values_list("pk", flat=True)
    )
    assert not Case.objects.filter(school_cases_filter(other_senco)).exists()


def test_another_family_and_another_team_see_nothing(client, plan, reviewed, user_of_role):
    client.force_login(user_of_role(Role.PARENT))
    for page in FAMILY_PAGES:
        assert client.get(reverse(page, args=[plan.case.reference])).status_code == 404
    client.force_login(user_of_role(Role.CASEWORKER))
    assert (
        client.get(reverse("schools:staff_review", args=[plan.case.reference])).status_code == 404
    )


def test_consent_withdrawn_ends_the_schools_view(client, senco, consented_case):
    client.force_login(senco)
    url = reverse("schools:pupil", args=[consented_case.reference])
    assert client.get(url).status_code == 200
    assert consented_case.reference in client.get(reverse("schools:home")).content.decode()
    consent = Consent.objects.get(child=consented_case.child, party="setting")
    parent = consented_case.child.memberships.get().user
    consent_revoke(consent=consent, user=parent)
    assert client.get(url).status_code == 404
    assert consented_case.reference not in client.get(reverse("schools:home")).content.decode()


def test_a_schools_own_request_lasts_until_the_family_withdraws(client, senco, consented_case):
    RequestDraft.objects.create(
        route=RequestDraft.Route.SCHOOL,
        created_by=senco,
        child=consented_case.child,
        setting=senco.setting,
        case=consented_case,
        submitted_at=timezone.now(),
    )
    Consent.objects.filter(child=consented_case.child).delete()
    assert access.cases_for(senco, CASE_SCHOOL).filter(pk=consented_case.pk).exists()
    Consent.objects.create(
        child=consented_case.child,
        party="setting",
        setting=senco.setting,
        revoked_at=timezone.now(),
    )
    assert not access.cases_for(senco, CASE_SCHOOL).filter(pk=consented_case.pk).exists()


def test_a_named_school_keeps_its_statutory_role_after_consent_is_withdrawn(
    client, plan, senco, family, reviewed
):
    Consent.objects.create(
        child=plan.case.child, party="setting", setting=senco.setting, revoked_at=timezone.now()
    )
    client.force_login(senco)
    assert client.get(reverse("schools:review", args=[plan.case.reference])).status_code == 200


def test_the_child_leaving_the_school_ends_every_basis(client, plan, senco, reviewed):
    child = plan.case.child
    child.setting = SettingFactory()
    child.save()
    with time_machine.travel(date(2027, 1, 25)):
        client.force_login(senco)
        for page in SCHOOL_PAGES:
            assert client.get(reverse(page, args=[plan.case.reference])).status_code == 404
        assert plan.case.reference not in client.get(reverse("schools:home")).content.decode()


def test_a_consulted_school_reads_the_case_but_runs_no_review(client, consented_case, senco):
    client.force_login(senco)
    assert client.get(reverse("schools:pupil", args=[consented_case.reference])).status_code == 200
    # Reviews and provision belong to the school named in the final plan.
    for page in ("schools:review", "schools:provision"):
        assert client.get(reverse(page, args=[consented_case.reference])).status_code == 404


def test_every_read_is_in_the_access_log(client, plan, senco, family, caseworker, reviewed):
    pages = [(senco, p) for p in ("schools:pupil", "schools:review", "schools:provision")]
    pages += [(family, p) for p in FAMILY_PAGES] + [(caseworker, "schools:staff_review")]
    for user, page in pages:
        client.force_login(user)
        before = AccessRecord.objects.filter(case_id=plan.case.pk, user_id=user.pk).count()
        assert client.get(reverse(page, args=[plan.case.reference])).status_code == 200
        after = AccessRecord.objects.filter(case_id=plan.case.pk, user_id=user.pk).count()
        assert after == before + 1, page


def test_the_schools_first_home_page_now_leads_to_its_pupils(client, senco, user_of_role):
    client.force_login(senco)
    response = client.get(reverse("families:school_home"))
    assert response.status_code == 302 and response["Location"] == reverse("schools:home")
    client.force_login(user_of_role(Role.PARENT))
    assert client.get(reverse("families:school_home")).status_code == 404
