"""Issue 19: staff set up an account for a parent or carer without email (a mobile number
and/or the postal address, contact by text or post); everyone else finds no such page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import CaseEvent
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role, User
from ehcp_portal.audit.models import AccessRecord
from families.models import FamilyMembership
from tests.factories import TeamFactory, UserFactory, family_for

FORM = {
    "full_name": "Morgan Ellis",
    "relationship": "parent",
    "phone": "07700 900 777",
    "address": "3 Weir Lane\nLeeds",
    "postcode": "ls2 7ej",
    "contact_channel": "sms",
}


def _url(case) -> str:
    return reverse("families:assisted_account_new", args=[case.reference])


@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_staff_of_the_case_set_up_an_account_without_email(client, case, who, request):
    staff = request.getfixturevalue(who)
    client.force_login(staff)
    page = client.get(_url(case))
    assert page.status_code == 200
    assert "Nobody in the family has an account yet" in page.content.decode()
    assert AccessRecord.objects.filter(user=staff, case_id=case.pk).exists()

    done = client.post(_url(case), FORM)
    assert done.status_code == 302
    member = User.objects.get(memberships__child=case.child)
    assert member.email.endswith("@" + NO_EMAIL_DOMAIN) and not member.has_email
    assert (member.full_name, member.phone, member.contact_channel) == (
        "Morgan Ellis",
        "+447700900777",
        "sms",
    )
    assert member.role == Role.PARENT and not member.has_usable_password()
    case.child.refresh_from_db()
    assert (case.child.address, case.child.postcode) == ("3 Weir Lane\nLeeds", "LS2 7EJ")
    assert CaseEvent.objects.filter(case=case, kind="family_account").count() == 1
    after = client.get(done["Location"]).content.decode()
    assert "Account set up for Morgan Ellis" in after and "No email address" in after

    # Sent twice (a double click): one account.
    client.post(_url(case), FORM)
    assert FamilyMembership.objects.filter(child=case.child).count() == 1


def test_a_postal_only_account_without_a_phone(client, case, caseworker):
    client.force_login(caseworker)
    data = {**FORM, "phone": "", "contact_channel": "post"}
    assert client.post(_url(case), data).status_code == 302
    member = User.objects.get(memberships__child=case.child)
    assert (member.phone, member.contact_channel) == ("", "post")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter the name of the parent or carer"),
        ({"phone": "0113 496 0000"}, "phone", "Enter a UK mobile number"),
        ({"phone": ""}, "phone", "Enter a mobile phone number to contact them by text"),
        (
            {"address": "", "postcode": "", "contact_channel": "post"},
            "address",
            "Enter the postal address to contact them by post",
        ),
        ({"postcode": "nowhere"}, "postcode", "Enter a full UK postcode"),
        (
            {"phone": "", "address": "", "postcode": "", "contact_channel": "post"},
            "address",
            "Enter the postal address",
        ),
        ({"contact_channel": ""}, "contact_channel", "Select how we should contact them"),
    ],
)
def test_mistakes_are_shown_with_everything_typed_kept(
    client, case, caseworker, changes, field, message
):
    client.force_login(caseworker)
    data = {**FORM, **changes}
    page = client.post(_url(case), data)
    body = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in body
    assert message in body and f'href="#id_{field}"' in body
    assert 'value="Morgan Ellis"' in body or not data["full_name"]
    assert not FamilyMembership.objects.filter(child=case.child).exists()


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
        Role.HEAD_OF_SERVICE,
        Role.DPO,
        Role.ADMIN,
    ],
)
def test_other_roles_find_no_such_page(case, user_of_role, role):
    client = Client(raise_request_exception=False)
    client.force_login(user_of_role(role))
    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), FORM).status_code == 404
    assert not FamilyMembership.objects.filter(child=case.child).exists()


def test_staff_of_another_area_and_the_familys_own_parent_find_no_such_page(case, parent):
    other_team = TeamFactory()
    for user in (
        UserFactory(role=Role.CASEWORKER, team=other_team),
        UserFactory(role=Role.TEAM_MANAGER, team=other_team),
        parent,
    ):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        assert client.get(_url(case)).status_code == 404
        assert client.post(_url(case), FORM).status_code == 404
    missing = Client(raise_request_exception=False)
    missing.force_login(case.caseworker)
    assert missing.get("/cases/EHC-NOPE/family-account/").status_code == 404
    assert User.objects.filter(memberships__child=case.child).count() == 1  # only the parent


def test_the_account_is_offered_from_the_case_messages(client, case, caseworker):
    client.force_login(caseworker)
    page = client.get(reverse("casework:case_messages", args=[case.reference])).content.decode()
    assert _url(case) in page


def test_a_new_phone_only_parent_can_then_sign_in_by_text(client, case, caseworker):
    client.force_login(caseworker)
    client.post(_url(case), {**FORM, "address": "", "postcode": ""})
    client.logout()
    started = client.post("/accounts/phone/", {"phone": "07700900777"})
    assert started["Location"] == "/accounts/phone/code/"
    member = User.objects.get(memberships__child=case.child)
    assert member.notifications.filter(purpose="signin_code", channel="sms").count() == 1


def test_staff_change_how_a_member_without_email_is_contacted(client, case, caseworker):
    client.force_login(caseworker)
    client.post(_url(case), FORM)
    member = User.objects.get(memberships__child=case.child)
    done = client.post(_url(case), {"member": member.pk, "contact_channel": "post"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.contact_channel == "post"
    assert CaseEvent.objects.filter(case=case, kind="family_contact").count() == 1

    case.child.address = ""
    case.child.save()
    client.post(_url(case), {"member": member.pk, "contact_channel": "sms"})
    refused = client.post(_url(case), {"member": member.pk, "contact_channel": "post"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in body
    assert "We cannot post letters to the child&#x27;s address" in body
    member.refresh_from_db()
    assert member.contact_channel == "sms"


def test_a_member_with_email_or_of_another_child_cannot_be_changed_here(client, case, caseworker):
    client.force_login(caseworker)
    with_email = family_for(case, UserFactory(email="sam@example.test", contact_channel="email"))
    stranger = UserFactory(email=f"x@{NO_EMAIL_DOMAIN}", contact_channel="sms")
    for user in (with_email, stranger):
        page = client.post(_url(case), {"member": user.pk, "contact_channel": "post"})
        assert page.status_code == 200 and "Choose a family member without an email" in (
            page.content.decode()
        )
        user.refresh_from_db()
        assert user.contact_channel != "post"
    bad = client.post(_url(case), {"member": "x\x00", "contact_channel": "fax"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()


def test_the_childs_postcode_alone_is_no_address_and_stops_nothing(client, case, caseworker):
    client.force_login(caseworker)
    data = {**FORM, "address": "", "postcode": case.child.postcode}
    assert client.post(_url(case), data).status_code == 302
    case.child.refresh_from_db()
    assert case.child.address == ""  # nothing made up
    typed = client.post(_url(case), {**FORM, "full_name": "Sam Ellis", "postcode": ""})
    assert "Enter the postcode of the address" in typed.content.decode()
