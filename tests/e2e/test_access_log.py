"""The access log's pages in a real browser, checked with axe-core (WCAG 2.2 AA): the family's
"Who has seen your information" reached from the tracker, and the data protection officer's
search with its results and its error summary."""

from __future__ import annotations

import pytest

from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory, family_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_family_follows_the_tracker_to_who_has_seen_their_information(
    live_server, page, sign_in_as, case, caseworker
):
    parent = family_for(case)
    # The caseworker reads the case page in the browser: a real read, recorded.
    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.context.clear_cookies()
    sign_in_as(parent)
    page.goto(f"{live_server.url}/track/{case.reference}/")
    page.get_by_role("link", name="Who has seen your information").click()
    assert page.locator("h1").inner_text() == "Who has seen your information"
    assert f"{caseworker.full_name}, caseworker" in page.content()
    assert axe_violations(page) == []


def test_the_dpo_searches_the_log(live_server, page, sign_in_as, case, caseworker):
    dpo = UserFactory(role=Role.DPO)
    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.context.clear_cookies()
    sign_in_as(dpo)
    page.goto(f"{live_server.url}/home/")
    assert page.locator("h1").inner_text() == "Access log"
    page.get_by_label("Child or young person").fill(case.reference)
    page.get_by_role("button", name="Search").click()
    assert page.locator("table tbody tr").count() == 1
    assert caseworker.full_name in page.locator("table").inner_text()
    assert axe_violations(page) == []

    page.locator("#id_on_or_after").fill("31")
    page.locator("#id_on_or_after_1").fill("2")
    page.locator("#id_on_or_after_2").fill("2026")
    page.get_by_role("button", name="Search").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "The start date must be a real date" in page.content()
    assert page.get_by_label("Child or young person").input_value() == case.reference
    assert axe_violations(page) == []
