"""The workbench pages in a real browser, checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cases.casework.models import CaseTask
from cases.models import Message
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.e2e
def test_caseload_case_page_and_team_page_have_no_axe_violations(
    browser, live_server, transactional_db
):
    from axe_playwright_python.sync_playwright import Axe

    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team)
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        next_deadline_on=timezone.localdate() + timedelta(days=3),
    )
    CaseFactory(team=team, caseworker=None)
    CaseTask.objects.create(case=case, title="Ring the school", assignee=caseworker)
    Message.objects.create(case=case, from_family=True, body="Any news?")

    def cookie_for(user) -> dict:
        client = Client()
        client.force_login(user)
        return {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }

    # Sessions are made before Playwright starts its event loop (no ORM calls inside it).
    cookies = {user.pk: cookie_for(user) for user in (caseworker, manager)}
    axe = Axe()
    pages = [
        (caseworker, "/caseload/"),
        (caseworker, "/caseload/?due=week&q=zzz"),
        (caseworker, f"/cases/{case.reference}/"),
        (caseworker, f"/cases/{case.reference}/deadlines/final_plan/exception/"),
        (manager, "/team/"),
        (manager, "/team/timeliness/"),
        (manager, f"/cases/{case.reference}/reassign/"),
    ]
    for user, path in pages:
        context = browser.new_context()
        context.add_cookies([cookies[user.pk]])
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        results = axe.run(page)
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
        ]
        assert violations == [], (path, violations)
        # Nothing outside a landmark: the phase banner is in the header, a back link in the
        # "Back" navigation, which is not there at all on a page without one.
        assert page.get_by_role("banner").get_by_text("This is a new service").is_visible()
        back = page.get_by_role("navigation", name="Back")
        has_back_link = page.locator(".govuk-back-link").count() > 0
        assert back.count() == (1 if has_back_link else 0), path
        if has_back_link:
            assert back.get_by_role("link").count() == 1, path
        context.close()
    # An error page too: the form re-rendered with the GOV.UK error summary.
    context = browser.new_context()
    context.add_cookies([cookies[caseworker.pk]])
    page = context.new_page()
    page.goto(f"{live_server.url}/cases/{case.reference}/deadlines/final_plan/exception/")
    page.click("button.govuk-button")
    assert page.locator(".govuk-error-summary").is_visible()
    violations = axe.run(page).response["violations"]
    assert [v["id"] for v in violations] == []
