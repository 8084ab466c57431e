"""The includes the case page and the family tracker use to show the plan."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from cases.plans.services import plan_issue_draft
from tests.cases.plans.conftest import days_ago

pytestmark = pytest.mark.django_db


def _render(tag: str, case) -> str:
    return Template("{% load plan_tags %}{% " + tag + " case %}").render(Context({"case": case}))


def test_case_page_panel_links_to_the_plan(drafting_case, plan):
    html = _render("case_plan_panel", drafting_case)
    assert "Being drafted" in html
    assert f"/cases/{drafting_case.reference}/plan/" in html


def test_tracker_panel_appears_once_the_draft_is_sent(drafting_case, plan, caseworker):
    assert "plan" not in _render("tracker_plan_panel", drafting_case).lower()
    plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(1))
    drafting_case.refresh_from_db()
    html = _render("tracker_plan_panel", drafting_case)
    assert f"until {days_ago(1 - 14):%-d %B %Y}" in html
    assert f"/track/{drafting_case.reference}/plan/" in html
