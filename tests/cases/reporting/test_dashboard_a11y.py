"""axe-core on the dashboard for each of its viewers and on the list of cases behind a figure;
the charts have a text alternative, and the printed page keeps the figures, not the controls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from ehcp_portal.accounts.models import Role
from tests.conftest import axe_violations
from tests.factories import CaseFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caseload(team, caseworker):
    today = timezone.localdate()
    for days in (3, 20, 45):
        CaseFactory(
            team=team,
            caseworker=caseworker,
            received_on=today - timedelta(days=days),
            stage=Stage.ASSESSING,
            next_deadline_on=today - timedelta(days=days // 3),
            next_deadline_key="decision_to_assess",
        )


@pytest.mark.parametrize("who", ["manager", "head", "member"])
def test_the_dashboard_passes_axe(live_server, page, sign_in_as, caseload, manager, who):
    users = {
        "manager": manager,
        "head": UserFactory(role=Role.HEAD_OF_SERVICE),
        "member": UserFactory(role=Role.ELECTED_MEMBER, scrutiny_board=True),
    }
    sign_in_as(users[who])
    page.goto(live_server.url + reverse("reporting:dashboard"))
    assert page.locator("h1").inner_text() == "Performance dashboard"
    charts = page.locator("svg[role=img]")
    assert charts.count() == 5  # four of timeliness and volumes, one of plan audit grades
    for i in range(charts.count()):
        assert charts.nth(i).locator("title").count() == 1
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".app-dashboard-filters").is_visible()
    assert page.locator("#timeliness table").is_visible()


def test_the_cases_behind_a_figure_pass_axe(live_server, page, sign_in_as, caseload, manager):
    sign_in_as(manager)
    page.goto(live_server.url + reverse("reporting:dashboard"))
    page.locator("#requests_source a", has_text="3").first.click()
    assert page.locator("main table tbody tr").count() == 3
    assert axe_violations(page) == []
