"""An advice giver's request shows what they need to assess: the school, the parent's contact,
the request's description of the needs and the evidence the family agreed to share with their
service, and nothing more (issue 20)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.advice.services import AdviceAsk, advice_requests_send
from cases.documents import document_store
from cases.models import Document, Stage
from ehcp_portal.accounts.models import Role
from families.models import Consent, RequestDraft
from tests.factories import CaseFactory, SettingFactory, UserFactory, family_for
from tests.families.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, caseworker):
    school = SettingFactory(name="Brook Primary School", urn="123456")
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    case.child.setting = school
    case.child.save()
    parent = family_for(
        case, UserFactory(role=Role.PARENT, full_name="Pat Parent", phone="07700900123")
    )
    draft = RequestDraft.objects.create(
        created_by=parent,
        child=case.child,
        case=case,
        answers={
            "needs-description": {"data": {"needs_description": "Finds noisy rooms hard."}},
            "support": {"data": {"support_in_place": "A quiet space at lunch."}},
            "parent-views": {"data": {"parent_views": "Private hopes for the family"}},
        },
        submitted_at=timezone.now(),
    )
    evidence = document_store(
        upload=SimpleUploadedFile("sen-support-plan.pdf", PDF_BYTES),
        kind=Document.Kind.EVIDENCE,
        uploaded_by=parent,
        family_visible=True,
    )
    draft.documents.add(evidence)
    ep = UserFactory(role=Role.ADVICE_GIVER, full_name="Dr Ada Psych")
    nurse = UserFactory(role=Role.ADVICE_GIVER, full_name="Nia Nurse")
    ep_request, health_request = advice_requests_send(
        case=case,
        actor=caseworker,
        asks=[AdviceAsk(source="ep", addressee=ep), AdviceAsk(source="health", addressee=nurse)],
    )
    Consent.objects.create(child=case.child, party="ep", given_by=parent)
    return {
        "case": case,
        "parent": parent,
        "evidence": evidence,
        "ep": ep,
        "nurse": nurse,
        "ep_request": ep_request,
        "health_request": health_request,
    }


def _page(client, user, request) -> str:
    client.force_login(user)
    response = client.get(reverse("advice:detail", args=[request.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_advice_giver_sees_what_they_need_to_assess(client, world):
    page = _page(client, world["ep"], world["ep_request"])
    assert "What you need to assess" in page
    assert "Brook Primary School (URN 123456)" in page
    assert "Pat Parent" in page and "07700900123" in page and world["parent"].email in page
    assert "Finds noisy rooms hard." in page and "A quiet space at lunch." in page
    assert "Private hopes for the family" not in page  # nothing more than they need
    download = reverse("cases:document_download", args=[world["evidence"].public_id])
    assert f'href="{download}"' in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_without_consent_for_their_service_there_is_no_evidence(client, world):
    page = _page(client, world["nurse"], world["health_request"])
    assert "Finds noisy rooms hard." in page
    assert "the family has not agreed to share the evidence" in page
    download = reverse("cases:document_download", args=[world["evidence"].public_id])
    assert client.get(download).status_code == 404


def test_a_revoked_consent_stops_the_sharing(client, world):
    Consent.objects.filter(party="ep").update(revoked_at=timezone.now())
    page = _page(client, world["ep"], world["ep_request"])
    assert "sen-support-plan" not in page
    download = reverse("cases:document_download", args=[world["evidence"].public_id])
    assert client.get(download).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.ADVICE_GIVER, Role.SCHOOL, Role.PANEL_MEMBER, Role.ELECTED_MEMBER, Role.PARENT]
)
def test_no_one_else_sees_the_request_or_its_evidence(client, world, role, user_of_role):
    client.force_login(user_of_role(role))
    assert (
        client.get(reverse("advice:detail", args=[world["ep_request"].public_id])).status_code
        == 404
    )
    download = reverse("cases:document_download", args=[world["evidence"].public_id])
    assert client.get(download).status_code == 404


def test_staff_see_the_request_without_the_brief(client, world, caseworker):
    page = _page(client, caseworker, world["ep_request"])
    assert "What you need to assess" not in page


def test_the_page_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(3):
        extra = document_store(
            upload=SimpleUploadedFile(f"more-{n}.pdf", PDF_BYTES),
            kind=Document.Kind.EVIDENCE,
            uploaded_by=world["parent"],
            family_visible=True,
        )
        RequestDraft.objects.get(case=world["case"]).documents.add(extra)
    client.force_login(world["ep"])
    with django_assert_max_num_queries(16):
        page = client.get(reverse("advice:detail", args=[world["ep_request"].public_id]))
    assert page.content.decode().count("more-") == 3


# --- the family's copies of the advice ---


def test_the_family_downloads_the_advice_once_the_draft_is_sent(client, world):
    import io

    import pypdf

    from cases.advice.models import AdviceRequest

    AdviceRequest.objects.filter(pk=world["ep_request"].pk).update(
        state=AdviceRequest.State.RECEIVED,
        needs="Needs time to process spoken instructions.",
        outcomes="Follows a two-step instruction.",
        provision="Visual timetable.",
        responded_on=timezone.localdate(),
    )
    case = world["case"]
    url = reverse("advice:family_pdf", args=[case.reference, world["ep_request"].public_id])
    client.force_login(world["parent"])
    assert client.get(url).status_code == 404  # not sent to the family before the draft plan
    case.draft_issued_on = timezone.localdate()
    case.save(update_fields=["draft_issued_on"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Educational psychology advice" in text
    assert "Needs time to process spoken instructions." in text
    # Advice not yet received is not there.
    pending = reverse("advice:family_pdf", args=[case.reference, world["health_request"].public_id])
    assert client.get(pending).status_code == 404


@pytest.mark.parametrize("role", [Role.PARENT, Role.SCHOOL, Role.ADVICE_GIVER, Role.PANEL_MEMBER])
def test_no_one_else_gets_the_familys_advice_pdf(client, world, role, user_of_role):
    from cases.advice.models import AdviceRequest

    AdviceRequest.objects.filter(pk=world["ep_request"].pk).update(
        state=AdviceRequest.State.RECEIVED, responded_on=timezone.localdate()
    )
    case = world["case"]
    case.draft_issued_on = timezone.localdate()
    case.save(update_fields=["draft_issued_on"])
    client.force_login(user_of_role(role))
    url = reverse("advice:family_pdf", args=[case.reference, world["ep_request"].public_id])
    assert client.get(url).status_code == 404
