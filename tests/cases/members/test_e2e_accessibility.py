"""The member query pages in a real browser, checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from families.models import Consent
from tests.cases.members.factories import MemberEnquiryFactory, MemberFactory
from tests.factories import CaseFactory, UserFactory, family_for

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# WCAG 2.2 AA rules only: axe's "best-practice" region rule flags the phase banner and back
# link that base.html places outside <main>, as the GOV.UK template does.
WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


def _session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.e2e
def test_member_pages_have_no_axe_violations(browser, live_server, transactional_db):
    from axe_playwright_python.sync_playwright import Axe

    case = CaseFactory()
    parent = family_for(case)
    manager = UserFactory(role=Role.TEAM_MANAGER, team=case.team)
    member = MemberFactory(full_name="Cllr Priya Shah", ward="Headingley")
    enquiry = MemberEnquiryFactory(member=member, case=case, area=case.area)
    unmatched = MemberEnquiryFactory(
        member=member,
        area=case.area,
        child_name=case.child.full_name,
        child_date_of_birth=case.child.date_of_birth,
    )
    pages = [
        (member, reverse("members:home"), None),
        (member, reverse("members:enquiry_new"), "Send query"),  # submitted empty
        (member, reverse("members:enquiry", args=[enquiry.public_id]), None),
        (manager, reverse("members:inbox"), None),
        (manager, reverse("members:inbox_detail", args=[unmatched.public_id]), None),
        (manager, reverse("members:reports"), None),
        (parent, reverse("members:family", args=[case.reference]), None),
        (member, reverse("members:case", args=[case.reference]), None),
    ]
    Consent.objects.create(child=case.child, party="member", member=member, given_by=parent)
    # Sessions are made before Playwright starts its event loop (the ORM refuses to run in one).
    pages = [(_session_cookie(user, live_server), path, submit) for user, path, submit in pages]
    axe = Axe()
    failures = []
    for cookie, path, submit in pages:
        context = browser.new_context()
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(live_server.url + path)
        if submit:
            page.get_by_role("button", name=submit).click()
            page.wait_for_selector(".govuk-error-summary")
        results = axe.run(page, options=WCAG_AA)
        if results.violations_count:
            failures.append(f"{path}:\n{results.generate_report()}")
        context.close()
    assert not failures, "\n\n".join(failures)
