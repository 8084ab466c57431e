"""The caseworker's day on the demo, in a real browser: the caseload sorted by a column, a
filter saved and shared, the case's parts one after another; a manager reassigns three cases at
once. axe-core finds no WCAG 2.2 A/AA violations on any of these pages, at desktop width and
on a phone."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from cases.casework.models import SavedFilter
from cases.models import Case
from ehcp_portal.accounts.models import User
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARTS = ["Summary and deadlines", "Plan", "Advice", "Panels", "Documents", "Messages", "Timeline"]


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())
    return User.objects.get(email="caseworker@demo.ehcp.test")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_caseworkers_day(live_server, page, sign_in_as, demo):
    caseworker = demo
    sign_in_as(caseworker)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/caseload/")
    assert page.locator("h1").inner_text() == "My caseload"
    assert axe_violations(page) == []

    # Sorted by the next deadline, soonest first, then reversed.
    page.get_by_role("link", name="Next deadline (sort by this column)").click()
    page.wait_for_load_state()
    heading = page.locator("th[aria-sort=ascending]")
    assert "Next deadline" in heading.inner_text()
    assert axe_violations(page) == []
    page.locator("th[aria-sort=ascending] a").click()
    page.wait_for_load_state()
    assert "Next deadline" in page.locator("th[aria-sort=descending]").inner_text()

    # A filter on the stage most of the caseload is at, saved for the team.
    stage = (
        Case.objects.filter(caseworker=caseworker, is_open=True)
        .values("stage")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["stage"]
    )
    page.select_option("#id_stage", stage)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    page.locator("summary", has_text="Save these filters").click()
    page.get_by_role("button", name="Save filters").click()  # no name: an error
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.fill("#id_save-name", "My stage, latest deadline first")
    page.check("#id_save-shared")
    page.get_by_role("button", name="Save filters").click()
    page.wait_for_load_state()
    saved = SavedFilter.objects.get(owner=caseworker)
    assert saved.shared and f"stage={stage}" in saved.query and "sort=-deadline" in saved.query
    assert page.get_by_role("link", name="My stage, latest deadline first").is_visible()
    assert axe_violations(page) == []

    # On a phone the rows stack: nothing scrolls sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert _no_sideways_scroll(page)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1400, "height": 900})

    # The first case, part by part.
    page.locator("table a.app-nowrap").first.click()
    page.wait_for_load_state()
    for label in PARTS:
        page.locator(".moj-sub-navigation__link", has_text=label).click()
        page.wait_for_load_state()
        current = page.locator(".moj-sub-navigation__link[aria-current=page]")
        assert current.inner_text() == label
        assert axe_violations(page) == [], label


def test_a_manager_reassigns_three_cases(live_server, page, sign_in_as, demo):
    manager = demo.team.manager
    colleague = User.objects.filter(team=demo.team, role="caseworker").exclude(pk=demo.pk).first()
    sign_in_as(manager)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/team/")
    assert page.locator("nav[aria-label=Team]").is_visible()
    assert axe_violations(page) == []
    page.locator(f"a[href='/caseload/?caseworker={demo.pk}']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"Caseload of {demo.full_name}"
    assert axe_violations(page) == []

    boxes = page.locator("input[name=bulk-cases]")
    picked = [boxes.nth(i).get_attribute("value").split(":")[0] for i in range(3)]
    for i in range(3):
        boxes.nth(i).check()
    page.select_option("#id_bulk-caseworker", str(colleague.pk))
    page.fill("#id_bulk-reason", "Covering leave")
    page.get_by_role("button", name="Reassign selected cases").click()
    page.wait_for_load_state()
    assert f"3 cases reassigned to {colleague.full_name}" in page.content()
    assert axe_violations(page) == []
    assert set(
        Case.objects.filter(reference__in=picked).values_list("caseworker_id", flat=True)
    ) == {colleague.pk}
