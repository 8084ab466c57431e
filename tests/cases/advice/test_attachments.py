"""Advice attachments are downloaded through the one document view: the advice giver who sent
them (or whose request they answer), staff who may view the case, and the family only for
files marked for them. Everyone else gets 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.advice.services import advice_submit
from ehcp_portal.accounts.models import Role
from tests.factories import AdviceRequestFactory, AdviceTeamFactory, UserFactory, family_for
from tests.families.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ep(db):
    return UserFactory(role=Role.ADVICE_GIVER)


def _answered(request, actor):
    advice_submit(
        advice_request=request,
        actor=actor,
        needs="Reading",
        outcomes="Reads",
        provision="1:1",
        files=[SimpleUploadedFile("ep-report.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    return request.attachments.get()


def _download(client, user, document):
    client.force_login(user)
    return client.get(reverse("cases:document_download", args=[document.public_id]))


def test_advice_giver_downloads_their_own_attachment_from_the_request_page(client, ep):
    request = AdviceRequestFactory(addressee=ep)
    document = _answered(request, ep)
    client.force_login(ep)
    page = client.get(reverse("advice:detail", args=[request.public_id])).content.decode()
    link = reverse("cases:document_download", args=[document.public_id])
    assert f'href="{link}"' in page and "ep-report.pdf" in page
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_team_inbox_member_who_did_not_submit_may_download(client, ep):
    colleague = UserFactory(role=Role.ADVICE_GIVER)
    inbox = AdviceTeamFactory(members=[ep, colleague])
    document = _answered(AdviceRequestFactory(addressee=None, team=inbox), ep)
    assert _download(client, colleague, document).status_code == 200


def test_caseworker_of_the_case_downloads_and_sees_the_link(client, ep, caseworker, team):
    request = AdviceRequestFactory(addressee=ep, case__team=team, case__caseworker=caseworker)
    document = _answered(request, ep)
    assert _download(client, caseworker, document).status_code == 200
    page = client.get(reverse("advice:detail", args=[request.public_id])).content.decode()
    assert reverse("cases:document_download", args=[document.public_id]) in page


def test_others_get_404(client, ep, caseworker, team):
    request = AdviceRequestFactory(addressee=ep, case__team=team, case__caseworker=caseworker)
    document = _answered(request, ep)
    other_giver = UserFactory(role=Role.ADVICE_GIVER)
    other_caseworker = UserFactory(role=Role.CASEWORKER)  # another team and area
    school = UserFactory(role=Role.SCHOOL)
    for user in (other_giver, other_caseworker, school):
        assert _download(client, user, document).status_code == 404
    # Another advice giver's own advice on the same case does not open this one.
    _answered(
        AdviceRequestFactory(case=request.case, source="health", addressee=other_giver), other_giver
    )
    assert _download(client, other_giver, document).status_code == 404


def test_family_sees_only_attachments_marked_for_them(client, ep):
    request = AdviceRequestFactory(addressee=ep)
    document = _answered(request, ep)
    parent = family_for(request.case)
    assert _download(client, parent, document).status_code == 404
    document.family_visible = True
    document.save(update_fields=["family_visible"])
    assert _download(client, parent, document).status_code == 200
