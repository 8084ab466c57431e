"""axe-core finds no WCAG 2.2 A/AA violations on the data protection officer's pages and the
legal pages; the bundle page follows the worker's progress without a reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ehcp_portal.accounts.models import Role
from ehcp_portal.governance.models import LegalHold, SubjectAccessBundle
from ehcp_portal.governance.subject_access import subject_access_bundle_build
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory
from tests.governance.conftest import long_ago, make_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dpo(transactional_db):
    return UserFactory(role=Role.DPO, full_name="Dana Protection")


@pytest.mark.parametrize("path", ["/privacy/", "/accessibility/", "/cookies/"])
def test_legal_pages_have_no_axe_violations(live_server, page, path):
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_subject_access_search_results_and_errors_have_no_axe_violations(
    live_server, page, sign_in_as, dpo
):
    make_record()
    sign_in_as(dpo)
    page.goto(live_server.url + "/governance/subject-access/")
    assert axe_violations(page) == []
    page.get_by_label("Name or case reference").fill("Amelia")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("button", name="Produce bundle for Amelia Okafor").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Name or case reference").fill("")
    page.get_by_role("button", name="Search").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_the_bundle_page_shows_progress_then_the_download(live_server, page, sign_in_as, dpo):
    record = make_record()
    bundle = SubjectAccessBundle.objects.create(
        child=record.child,
        requested_by=dpo,
        expires_at=timezone.now() + timedelta(days=30),
        step="Waiting for the worker",
    )
    sign_in_as(dpo)
    page.goto(f"{live_server.url}/governance/subject-access/bundles/{bundle.public_id}/")
    assert page.get_by_text("Waiting to start").is_visible()
    assert axe_violations(page) == []
    # The worker finishes: the page's script notices and offers the download.
    subject_access_bundle_build(bundle.pk)
    download = page.get_by_role("link", name="Download the bundle (zip)")
    download.wait_for(timeout=10_000)
    assert axe_violations(page) == []
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".zip")


def test_retention_and_hold_pages_have_no_axe_violations(live_server, page, sign_in_as, dpo):
    old = make_record(born=long_ago(40), closed=True)
    held = make_record(born=long_ago(39), closed=True)
    LegalHold.objects.create(case=held.case, reason="Tribunal appeal", set_by=dpo)
    sign_in_as(dpo)
    page.goto(live_server.url + "/governance/retention/")
    assert old.case.reference in page.content()
    assert page.get_by_text("Kept: legal hold").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Set a legal hold").click()
    page.get_by_role("button", name="Set the hold").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
