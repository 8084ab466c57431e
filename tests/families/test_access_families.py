"""No family sees another family's child, request, case, document or message, by any URL of
this part of the portal; every other role gets 404 too. Signed-out visitors are sent to sign in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.documents import document_store
from cases.models import Document, Message
from ehcp_portal.accounts.models import Role
from families.models import Consent, FamilyMembership
from families.services import request_draft_start
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory, family_for
from tests.families.helpers import PDF_BYTES

# The head of service reads every area's cases (tests/cases/test_api.py), so is no outsider here.
NON_FAMILY_ROLES = [
    r for r in Role if r not in (Role.PARENT, Role.YOUNG_PERSON, Role.HEAD_OF_SERVICE)
]


@pytest.fixture
def world(db):
    """A family with a draft request (with evidence) and a case (with a letter, a message with an
    attachment and a consent)."""
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(team=team, caseworker=caseworker)
    parent = family_for(case)
    child = ChildFactory()
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    draft = request_draft_start(user=parent, route="family", child=child)
    evidence = document_store(
        upload=SimpleUploadedFile("evidence.pdf", PDF_BYTES),
        kind=Document.Kind.EVIDENCE,
        uploaded_by=parent,
        family_visible=True,
    )
    draft.documents.add(evidence)
    letter = document_store(
        upload=SimpleUploadedFile("letter.pdf", PDF_BYTES),
        kind=Document.Kind.LETTER,
        uploaded_by=caseworker,
        case=case,
        family_visible=True,
    )
    attachment = document_store(
        upload=SimpleUploadedFile("attachment.pdf", PDF_BYTES),
        kind=Document.Kind.ATTACHMENT,
        uploaded_by=parent,
        case=case,
        family_visible=True,
    )
    Message.objects.create(
        case=case, sender=parent, from_family=True, body="secret words", attachment=attachment
    )
    consent = Consent.objects.create(child=case.child, party="health", given_by=parent)
    return {
        "case": case,
        "parent": parent,
        "draft": draft,
        "evidence": evidence,
        "letter": letter,
        "attachment": attachment,
        "consent": consent,
        "caseworker": caseworker,
    }


def urls(w) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every view that shows or changes one family's things."""
    d, c = w["draft"].public_id, w["case"].reference
    return [
        ("get", reverse("families:request_resume", args=[d]), {}),
        ("get", reverse("families:request_step", args=[d, "child-name"]), {}),
        ("post", reverse("families:request_step", args=[d, "child-views"]), {"child_views": "x"}),
        ("get", reverse("families:request_check", args=[d]), {}),
        ("post", reverse("families:request_check", args=[d]), {}),
        ("get", reverse("families:request_evidence", args=[d]), {}),
        (
            "post",
            reverse("families:request_evidence_remove", args=[d, w["evidence"].public_id]),
            {},
        ),
        ("get", reverse("families:request_done", args=[d]), {}),
        ("post", reverse("families:request_invite", args=[d]), {}),
        ("post", reverse("families:request_claim_code", args=[d]), {}),
        ("get", reverse("families:track", args=[c]), {}),
        ("post", reverse("families:track_message_send", args=[c]), {"body": "hello"}),
        (
            "post",
            reverse("families:track_consent_revoke", args=[c]),
            {"consent": w["consent"].pk},
        ),
        ("get", reverse("families:track_withdraw", args=[c]), {}),
        ("post", reverse("families:track_withdraw", args=[c]), {"reasons": "x", "confirm": "on"}),
        ("get", reverse("cases:document_download", args=[w["evidence"].public_id]), {}),
        ("get", reverse("cases:document_download", args=[w["letter"].public_id]), {}),
        ("get", reverse("cases:document_download", args=[w["attachment"].public_id]), {}),
    ]


def assert_nothing_changed(w) -> None:
    w["case"].refresh_from_db()
    assert w["case"].is_open
    assert Message.objects.filter(case=w["case"]).count() == 1
    assert Consent.objects.get(pk=w["consent"].pk).revoked_at is None
    assert w["draft"].documents.count() == 1
    w["draft"].refresh_from_db()
    assert "child-views" not in w["draft"].answers


def test_another_family_gets_404_on_every_url(client, world):
    stranger = UserFactory(role=Role.PARENT)
    family_for(CaseFactory(team=TeamFactory()), stranger)  # they have a case of their own
    client.force_login(stranger)
    for method, url, data in urls(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    assert_nothing_changed(world)


@pytest.mark.parametrize("role", [*NON_FAMILY_ROLES, Role.YOUNG_PERSON])
def test_every_other_role_gets_404_on_every_url_except_staff_documents(
    client, world, user_of_role, role
):
    client.force_login(user_of_role(role))  # staff: in another team and area
    for method, url, data in urls(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (role, method, url)
    assert_nothing_changed(world)


def test_the_family_reaches_its_own_pages(client, world):
    client.force_login(world["parent"])
    for method, url, data in urls(world):
        if "claim-code" in url or "invite" in url or "remove" in url:
            continue  # staff and school actions; removal is tested with uploads
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (method, url)


def test_caseworker_of_the_case_downloads_but_does_not_use_the_family_tracker(client, world):
    client.force_login(world["caseworker"])
    assert client.get(reverse("families:track", args=[world["case"].reference])).status_code == 404
    for key in ("letter", "attachment"):
        url = reverse("cases:document_download", args=[world[key].public_id])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "families:child_add",
        "families:request_start",
        "families:claim",
        "families:school_request_start",
        "families:assisted_request_start",
    ],
)
def test_pages_need_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    "name,allowed",
    [
        ("families:child_add", {Role.PARENT, Role.YOUNG_PERSON}),
        ("families:request_start", {Role.PARENT, Role.YOUNG_PERSON}),
        ("families:claim", {Role.PARENT, Role.YOUNG_PERSON}),
        ("families:school_request_start", {Role.SCHOOL}),
    ],
)
def test_role_pages_refuse_other_roles(client, user_of_role, name, allowed):
    from tests.factories import SettingFactory

    for role in Role:
        extra = {"setting": SettingFactory()} if role == Role.SCHOOL else {}
        client.force_login(user_of_role(role, **extra))
        response = client.get(reverse(name))
        if role in allowed:
            # request_start sends a family with no children to "add a child"
            assert response.status_code in (200, 302), (name, role)
        else:
            assert response.status_code == 404, (name, role)


def test_start_request_cannot_pick_another_familys_child(client, world):
    stranger = UserFactory(role=Role.PARENT)
    FamilyMembership.objects.create(user=stranger, child=ChildFactory(), relationship="parent")
    client.force_login(stranger)
    response = client.post(
        reverse("families:request_start"), {"child": str(world["draft"].child_id)}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
