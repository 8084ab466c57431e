"""The managers' assignment pages in a real browser, checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from cases.assignment.cohort import cohort_import, cohort_rows_read
from cases.assignment.decisions import case_assign
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory

# WCAG 2.2 AA. axe's best-practice "region" rule is left out: it flags the GOV.UK phase banner
# and back link in base.html, which sit outside landmarks by the design system's own template.
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
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
def test_assignment_pages_have_no_axe_violations(browser, live_server, make_worker):
    team = TeamFactory()
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team)
    leaving = make_worker(team, open_cases=2)
    make_worker(team, specialisms=["asd"], languages=["Polish"])
    case = CaseFactory(team=team, caseworker=None)
    case_assign(case=case)
    CaseFactory(team=team, caseworker=None)  # waits in the queue
    district = team.area.postcode_districts[0]
    record = cohort_import(
        rows=cohort_rows_read(
            "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs\n"
            f"Amira,Khan,2018-04-02,{district} 1AA,,no,ASD\nLily,Wood,,{district} 2AB,,no,\n"
        ),
        filename="fif.csv",
        actor=manager,
    )
    client = Client()
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = [
        f"/cases/{case.reference}/assignment/",
        f"/cases/{case.reference}/assignment/override/",
        "/assignment/queue/",
        f"/assignment/rebalance/?caseworker={leaving.pk}",
        "/assignment/cohort/",
        f"/assignment/cohort/{record.pk}/",
    ]
    context = browser.new_context()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    problems = {}
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        results = Axe().run(page, options=WCAG)
        if results.violations_count:
            problems[path] = results.generate_report()
    # The override form with errors is a page too.
    page.goto(live_server.url + pages[1])
    page.get_by_role("button", name="Change caseworker").click()
    assert page.locator(".govuk-error-summary").is_visible()
    results = Axe().run(page, options=WCAG)
    if results.violations_count:
        problems["override with errors"] = results.generate_report()
    assert not problems, "\n\n".join(f"{k}\n{v}" for k, v in problems.items())
