"""The plan as the caseworker's case page and the family tracker show it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.plans.issuing import plan_issue_draft
from tests.cases.plans.conftest import days_ago

pytestmark = pytest.mark.django_db


def test_case_page_panel_links_to_the_plan(client, drafting_case, plan, caseworker):
    client.force_login(caseworker)
    html = client.get(reverse("casework:case_plan", args=[drafting_case.reference])).content
    html = html.decode()
    assert "Being drafted" in html
    assert f"/cases/{drafting_case.reference}/plan/" in html


def test_tracker_panel_appears_once_the_draft_is_sent(
    client, drafting_case, plan, caseworker, family
):
    url = reverse("families:track", args=[drafting_case.reference])
    client.force_login(family)
    assert f"/track/{drafting_case.reference}/plan/" not in client.get(url).content.decode()
    plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(1))
    html = client.get(url).content.decode()
    assert f"until {days_ago(1 - 14):%-d %B %Y}" in html
    assert f"/track/{drafting_case.reference}/plan/" in html
