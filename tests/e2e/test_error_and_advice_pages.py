"""axe finds no WCAG 2.2 A/AA violations on the GOV.UK error pages and on an advice giver's
request with what they need to assess (issue 20)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.advice.services import AdviceAsk, advice_requests_send
from cases.documents import document_store
from cases.models import Document, Stage
from ehcp_portal.accounts.models import Role
from families.models import Consent, RequestDraft
from tests.e2e.conftest import axe_violations
from tests.factories import CaseFactory, SettingFactory, UserFactory, family_for
from tests.families.helpers import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_page_not_found_has_no_axe_violations(live_server, page):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert axe_violations(page) == []


def test_a_form_sent_without_its_csrf_token_explains_itself(live_server, page, sign_in_as):
    sign_in_as(UserFactory(role=Role.PARENT))
    page.goto(live_server.url + "/family/children/add/")
    page.locator("main input[name=csrfmiddlewaretoken]").evaluate("e => e.remove()")
    page.locator("main").get_by_role("button", name="Add").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Sorry, what you sent could not be saved"
    )
    assert axe_violations(page) == []


def test_the_advice_givers_request_has_no_axe_violations(live_server, page, sign_in_as, team):
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    case.child.setting = SettingFactory(name="Brook Primary School")
    case.child.save()
    parent = family_for(case)
    draft = RequestDraft.objects.create(
        created_by=parent,
        child=case.child,
        case=case,
        answers={"needs-description": {"data": {"needs_description": "Finds noise hard."}}},
        submitted_at=timezone.now(),
    )
    draft.documents.add(
        document_store(
            upload=SimpleUploadedFile("sen-support-plan.pdf", PDF_BYTES),
            kind=Document.Kind.EVIDENCE,
            uploaded_by=parent,
            family_visible=True,
        )
    )
    Consent.objects.create(child=case.child, party="ep", given_by=parent)
    ep = UserFactory(role=Role.ADVICE_GIVER)
    (request,) = advice_requests_send(
        case=case, actor=caseworker, asks=[AdviceAsk(source="ep", addressee=ep)]
    )
    sign_in_as(ep)
    page.goto(f"{live_server.url}/advice/{request.public_id}/")
    assert page.get_by_role("heading", name="What you need to assess").is_visible()
    assert page.locator("main a", has_text="sen-support-plan").count() == 1
    assert axe_violations(page) == []
