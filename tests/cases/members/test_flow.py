"""A member's query end to end through the pages people use: raise, match, assign, reply;
and the family's consent deciding, at once, what the member sees."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.members.models import EnquiryStatus, MemberEnquiry
from cases.models import CaseEvent, Stage
from ehcp_portal.accounts.models import Role
from families.models import Consent
from notifications.models import Notification
from tests.cases.members.factories import MemberEnquiryFactory, MemberFactory
from tests.factories import CaseFactory, UserFactory, family_for

VALID = {
    "has_reference": "no",
    "case_reference": "",
    "parent_name": "Jo Smith",
    "child_name": "Amelia Smith",
    "child_date_of_birth_0": "4",
    "child_date_of_birth_1": "5",
    "child_date_of_birth_2": "2016",
    "address": "1 Church Lane, Leeds LS6 1AA",
    "category": "delay",
    "concern": "The family has had no decision after seven weeks.",
    "declaration": "on",
}


def _raise(client, member, **changes):
    client.force_login(member)
    return client.post(reverse("members:enquiry_new"), {**VALID, **changes})


def test_raise_match_assign_reply_and_the_member_reads_the_reply(
    client, member, case, manager, caseworker, parent
):
    case.child.first_name, case.child.last_name = "Amelia", "Smith"
    case.child.date_of_birth = date(2016, 5, 4)
    case.child.postcode = "LS6 1AA"
    case.child.save()
    case.area.postcode_districts = ["LS6"]
    case.area.save()

    with time_machine.travel(timezone.make_aware(datetime(2026, 12, 21, 10, 0)), tick=False):
        response = _raise(client, member)
    enquiry = MemberEnquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:enquiry", args=[enquiry.public_id])
    # Received Mon 21 Dec 2026: 10 working days over Christmas is Thu 7 Jan 2027.
    assert enquiry.target_reply_on == date(2027, 1, 7)
    assert enquiry.area == case.area  # routed by the postcode in the address
    assert Notification.objects.filter(
        recipient=manager, purpose="member_enquiry_received"
    ).exists()
    client.force_login(member)  # a fresh session: the one made on 21 Dec 2026 may have expired
    page = client.get(response["Location"]).content.decode()
    assert "7 January 2027" in page
    assert "We are assigning an officer" in page

    # The manager sees the suggested match, confirms it and assigns an officer.
    client.force_login(manager)
    detail = reverse("members:inbox_detail", args=[enquiry.public_id])
    page = client.get(detail).content.decode()
    assert case.reference in page
    assert "Date of birth, First name, Last name, Postcode" in page
    response = client.post(
        reverse("members:inbox_match", args=[enquiry.public_id]),
        {"case_reference": case.reference},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("members:inbox_assign", args=[enquiry.public_id]), {"officer": caseworker.pk}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.case, enquiry.assigned_officer, enquiry.status) == (
        case,
        caseworker,
        EnquiryStatus.ASSIGNED,
    )
    # The family's timeline says a member asked on their behalf, and they are told where to
    # decide what the member may see.
    assert CaseEvent.objects.filter(case=case, kind="member_enquiry", family_visible=True).exists()
    told = Notification.objects.get(
        recipient=parent, purpose="member_enquiry_family", channel="in_app"
    )
    assert told.link == reverse("members:family", args=[case.reference])

    # The officer sees it in their inbox and replies.
    client.force_login(caseworker)
    assert str(enquiry.public_id) in client.get(reverse("members:inbox")).content.decode()
    with time_machine.travel(timezone.make_aware(datetime(2027, 1, 5, 15, 0)), tick=False):
        client.force_login(caseworker)  # a session from November would have expired
        response = client.post(
            reverse("members:inbox_reply", args=[enquiry.public_id]),
            {"reply": "The decision to assess was sent to the family on 4 January."},
        )
    assert response["Location"] == detail
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANSWERED
    assert enquiry.reply_working_days == 8  # 22-24, 29-31 Dec, 4-5 Jan
    assert Notification.objects.filter(recipient=member, purpose="member_enquiry_answered").exists()

    # The member sees the officer, the reply and the target date; no case details (no consent).
    client.force_login(member)
    page = client.get(reverse("members:enquiry", args=[enquiry.public_id])).content.decode()
    assert "The decision to assess was sent to the family on 4 January." in page
    assert escape(caseworker.get_full_name()) in page
    assert "Answered" in page
    assert case.reference not in page
    assert case.get_stage_display() not in page
    home = client.get(reverse("members:home")).content.decode()
    assert "Answered" in home and escape(caseworker.get_full_name()) in home


def _consent_page(client, parent, case):
    client.force_login(parent)
    return reverse("members:family", args=[case.reference])


def test_family_consent_given_and_withdrawn_changes_what_the_member_sees_at_once(
    client, member, case, parent
):
    case.stage = Stage.ASSESSING
    case.next_deadline_key = "final_plan"
    case.next_deadline_on = date(2027, 2, 19)
    case.save()
    enquiry = MemberEnquiryFactory(member=member, case=case, area=case.area)
    member_page = reverse("members:enquiry", args=[enquiry.public_id])

    client.force_login(member)
    page = client.get(member_page).content.decode()
    assert "Assessing needs" not in page and "19 February 2027" not in page
    assert "only shown here if the family agrees" in page

    url = _consent_page(client, parent, case)
    page = client.get(url).content.decode()
    assert "Cllr Priya Shah" in page and "Headingley" in page
    response = client.post(url, {"enquiry": str(enquiry.public_id), "decision": "grant"})
    assert response.status_code == 302
    consent = Consent.objects.get(member=member)
    assert (consent.party, consent.given_by, consent.child) == ("member", parent, case.child)

    client.force_login(member)
    page = client.get(member_page).content.decode()
    assert "Assessing needs" in page
    assert "Final plan issued: 19 February 2027" in page
    assert case.reference in page
    assert "Assessing needs" in client.get(reverse("members:home")).content.decode()

    client.force_login(parent)
    client.post(url, {"enquiry": str(enquiry.public_id), "decision": "withdraw"})
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == parent

    client.force_login(member)
    page = client.get(member_page).content.decode()
    assert "Assessing needs" not in page and "19 February 2027" not in page
    assert "Assessing needs" not in client.get(reverse("members:home")).content.decode()
    assert CaseEvent.objects.filter(case=case, kind="member_consent_withdrawn").exists()


def test_consent_for_one_member_shows_nothing_to_another_member(client, member, case, parent):
    other = MemberFactory()
    mine = MemberEnquiryFactory(member=member, case=case)
    theirs = MemberEnquiryFactory(member=other, case=case)
    client.force_login(parent)
    client.post(
        reverse("members:family", args=[case.reference]),
        {"enquiry": str(mine.public_id), "decision": "grant"},
    )
    client.force_login(other)
    page = client.get(reverse("members:enquiry", args=[theirs.public_id])).content.decode()
    assert case.get_stage_display() not in page


def test_consent_without_a_matched_query_shows_no_case(client, member, case):
    """Consent alone is not enough: the member's query must be linked to that case."""
    Consent.objects.create(child=case.child, party="member", member=member)
    enquiry = MemberEnquiryFactory(member=member)  # not matched
    client.force_login(member)
    page = client.get(reverse("members:enquiry", args=[enquiry.public_id])).content.decode()
    assert case.reference not in page and case.get_stage_display() not in page


def test_form_errors_keep_what_was_typed_and_link_to_the_fields(client, member):
    response = _raise(
        client,
        member,
        child_name="",
        child_date_of_birth_1="13",
        concern="Still waiting \x00 for news",
        declaration="",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_child_name"' in page
    assert "Date of birth must be a real date" in page
    assert "Confirm that the constituent asked you to act on their behalf" in page
    assert "Still waiting  for news" in page  # kept, NUL stripped
    assert 'value="Jo Smith"' in page
    assert MemberEnquiry.objects.count() == 0


def test_reference_route_needs_a_well_formed_reference(client, member):
    response = _raise(client, member, has_reference="yes", case_reference="12345")
    assert "Enter the case reference in the format EHC-2026-000123" in response.content.decode()
    response = _raise(client, member, has_reference="yes", case_reference="")
    assert "Enter the case reference" in response.content.decode()


def test_reference_route_does_not_need_family_details_and_reveals_nothing(client, member, case):
    response = _raise(
        client,
        member,
        has_reference="yes",
        case_reference=case.reference.lower(),
        parent_name="",
        child_name="",
        child_date_of_birth_0="",
        child_date_of_birth_1="",
        child_date_of_birth_2="",
        address="",
    )
    assert response.status_code == 302
    enquiry = MemberEnquiry.objects.get()
    assert enquiry.case_reference_given == case.reference
    assert enquiry.area == case.area  # routed silently
    assert enquiry.case is None  # a manager confirms the match
    page = client.get(response["Location"]).content.decode()
    assert escape(case.child.full_name) not in page


def test_family_details_route_needs_name_date_of_birth_and_address(client, member):
    response = _raise(
        client,
        member,
        parent_name="",
        child_name="",
        child_date_of_birth_0="",
        child_date_of_birth_1="",
        child_date_of_birth_2="",
        address="",
    )
    page = response.content.decode()
    for message in (
        "Enter the parent or carer&#x27;s full name",
        "Enter the child or young person&#x27;s full name",
        "Enter the child or young person&#x27;s date of birth",
        "Enter the family&#x27;s address",
    ):
        assert message in page


def test_flooding_is_refused_with_a_clear_message_and_429(client, member, settings):
    settings.MEMBER_ENQUIRY_MAX_PER_HOUR = 3
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 23, 14, 0)), tick=False):
        for _ in range(3):
            assert _raise(client, member).status_code == 302
        response = _raise(client, member)
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have raised 3 queries in the last hour" in page
    assert "3:00pm on 23 November 2026" in page
    assert 'value="Jo Smith"' in page  # what they typed is kept
    assert MemberEnquiry.objects.count() == 3
    # An hour later they can raise another.
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 23, 15, 1)), tick=False):
        assert _raise(client, member).status_code == 302


def test_daily_limit(client, member, settings):
    settings.MEMBER_ENQUIRY_MAX_PER_DAY = 2
    for hour in (9, 13):
        with time_machine.travel(timezone.make_aware(datetime(2026, 11, 23, hour)), tick=False):
            assert _raise(client, member).status_code == 302
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 23, 18)), tick=False):
        response = _raise(client, member)
    assert response.status_code == 429
    assert "in the last 24 hours" in response.content.decode()
    # Another member is not affected.
    assert _raise(client, MemberFactory()).status_code == 302


def test_closing_needs_a_reason_and_the_member_sees_it(client, member, manager):
    enquiry = MemberEnquiryFactory(member=member, area=manager.team.area)
    client.force_login(manager)
    close = reverse("members:inbox_close", args=[enquiry.public_id])
    response = client.post(close, {"reason": "  "})
    assert response.status_code == 200
    assert "Enter the reason for closing the query" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.is_open
    client.post(close, {"reason": "The family has moved to another council."})
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED
    client.force_login(member)
    page = client.get(reverse("members:enquiry", args=[enquiry.public_id])).content.decode()
    assert "The family has moved to another council." in page
    # A closed query cannot be answered afterwards.
    client.force_login(manager)
    response = client.post(
        reverse("members:inbox_reply", args=[enquiry.public_id]), {"reply": "Late"}
    )
    assert "This query is already closed" in response.content.decode()


def test_matching_refuses_a_case_outside_the_managers_area(client, member, manager):
    elsewhere = CaseFactory()
    enquiry = MemberEnquiryFactory(member=member, area=manager.team.area)
    client.force_login(manager)
    response = client.post(
        reverse("members:inbox_match", args=[enquiry.public_id]),
        {"case_reference": elsewhere.reference},
    )
    assert response.status_code == 200
    assert "There is no case with that reference in your area" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.case is None


def test_unrouted_query_can_be_sent_to_another_area(client, member, manager):
    other_case = CaseFactory()
    enquiry = MemberEnquiryFactory(member=member, area=None, address="Somewhere")
    client.force_login(manager)
    response = client.post(
        reverse("members:inbox_route", args=[enquiry.public_id]),
        {"area": other_case.area.pk},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.area == other_case.area
    # It has left this manager's inbox.
    assert client.get(reverse("members:inbox_detail", args=[enquiry.public_id])).status_code == 404


def test_assigning_someone_outside_the_area_is_refused(client, member, manager):
    outsider = UserFactory(role=Role.CASEWORKER, team=CaseFactory().team)
    enquiry = MemberEnquiryFactory(member=member, area=manager.team.area)
    client.force_login(manager)
    response = client.post(
        reverse("members:inbox_assign", args=[enquiry.public_id]), {"officer": outsider.pk}
    )
    assert response.status_code == 200
    assert "Choose the officer to handle the query" in response.content.decode()


def test_family_page_lists_only_queries_about_their_case(client, case, parent, member):
    other_case = CaseFactory(team=case.team)
    family_for(other_case)
    MemberEnquiryFactory(member=member, case=other_case)
    client.force_login(parent)
    page = client.get(reverse("members:family", args=[case.reference])).content.decode()
    assert "No elected member has asked us about this request." in page


def test_a_huge_year_of_birth_is_a_form_error_not_a_server_error(member):
    from django.test import Client

    client = Client(raise_request_exception=False)  # a crash shows as a 500
    response = _raise(client, member, child_date_of_birth_2="99999999999")
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Year must include 4 numbers" in body
    assert MemberEnquiry.objects.count() == 0


def test_an_area_with_too_many_officers_for_a_list_assigns_by_email_or_name(
    client, member, manager, django_assert_max_num_queries
):
    """A national service's area has thousands of officers: no list of them all, a box for
    the officer's email or name, with a GOV.UK error that keeps what was typed."""
    from cases.assignment.forms import CASEWORKER_LIST_MAX

    team = manager.team
    UserFactory.create_batch(CASEWORKER_LIST_MAX, role=Role.CASEWORKER, team=team)
    chosen = UserFactory(role=Role.CASEWORKER, team=team, full_name="Robin Okafor")
    enquiry = MemberEnquiryFactory(member=member, area=team.area)
    client.force_login(manager)
    page = client.get(reverse("members:inbox_detail", args=[enquiry.public_id])).content.decode()
    assert "<select" not in page.split("Assign an officer")[1].split("</form>")[0]
    assert "Their email address or full name" in page
    url = reverse("members:inbox_assign", args=[enquiry.public_id])
    refused = client.post(url, {"officer": "nobody@example.com"}).content.decode()
    assert "Enter the email address or full name of a officer" not in refused
    assert "Enter the email address or full name of an officer in your area" in refused
    assert 'value="nobody@example.com"' in refused
    response = client.post(url, {"officer": "robin okafor"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.assigned_officer == chosen
