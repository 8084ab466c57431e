"""In a real browser, with the Content-Security-Policy on: GOV.UK Frontend still starts on public,
staff and family pages, and the page that answers a malformed address (400) passes axe. (The
`page` fixture fails any browser test on whose page the policy refused something.)"""

from __future__ import annotations

import pytest

from cases.models import Stage
from tests.e2e.conftest import axe_violations
from tests.factories import CaseFactory, family_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _frontend_started(page) -> bool:
    body_classes = page.locator("body").get_attribute("class") or ""
    return (
        "js-enabled" in body_classes
        and "govuk-frontend-supported" in body_classes
        and page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1
    )


def test_public_pages_run_under_the_policy(live_server, page):
    for path in ("/", "/accounts/login/", "/accessibility/"):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.locator("[data-govuk-skip-link-init]").first.wait_for(state="attached")
        assert _frontend_started(page), path


def test_staff_and_family_pages_run_under_the_policy(
    live_server, page, sign_in_as, team, caseworker
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    parent = family_for(case)
    sign_in_as(caseworker)
    for path in ("/caseload/", f"/cases/{case.reference}/"):
        page.goto(live_server.url + path)
        page.locator("[data-govuk-skip-link-init]").first.wait_for(state="attached")
        assert _frontend_started(page), path
    sign_in_as(parent)
    page.goto(live_server.url + f"/track/{case.reference}/")
    page.locator("[data-govuk-skip-link-init]").first.wait_for(state="attached")
    assert _frontend_started(page)


def test_the_malformed_address_page_is_accessible(live_server, page, sign_in_as, caseworker):
    sign_in_as(caseworker)
    response = page.goto(live_server.url + "/cases/%00/")
    assert response.status == 400
    assert page.locator("h1").inner_text() == "There is a problem with what was sent"
    assert axe_violations(page) == []
