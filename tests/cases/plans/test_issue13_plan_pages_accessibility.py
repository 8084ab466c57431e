"""axe-core on the plan pages issue 13 added: a section saved by someone else meanwhile (the
conflict page, with both texts), and the final plan, reached from the case page, with its
setting radios and the confirm step before naming none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.plans import placement
from cases.plans.consultations import consultation_send
from cases.plans.drafting import plan_section_update
from cases.plans.family_responses import plan_family_respond
from cases.plans.issuing import plan_issue_draft
from cases.plans.versions import plan_latest_version
from ehcp_portal.accounts.models import Role
from tests.cases.plans.conftest import days_ago
from tests.conftest import axe_violations
from tests.factories import SettingFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_section_conflict_page(live_server, page, sign_in_as, plan, caseworker, team):
    sign_in_as(caseworker)
    page.goto(live_server.url + reverse("plans:section", args=[plan.case.reference, "A"]))
    # A colleague saves the same section while this page is open.
    colleague = UserFactory(role=Role.CASEWORKER, team=team)
    plan_section_update(
        plan=plan,
        key="A",
        text="Their version of the child's views",
        based_on=plan_latest_version(plan).number,
        actor=colleague,
    )
    page.locator("textarea[name=text]").fill("My version of the child's views")
    page.locator("main form").filter(has=page.locator("textarea[name=text]")).locator(
        "button[type=submit]"
    ).click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_text("Their version of the child's views").count() >= 1
    assert page.locator("textarea[name=text]").input_value() == "My version of the child's views"
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_final_plan_page_with_its_settings_and_confirm_step(
    live_server, page, sign_in_as, plan, caseworker, family, setting, monkeypatch
):
    panel_school = SettingFactory(name="Hillside Special School")
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    plan_family_respond(plan=plan, actor=family, preferred_setting=setting)
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    # The panel named a setting that has not been consulted yet: shown, with the way to consult.
    monkeypatch.setattr(placement, "_panel_setting_providers", [lambda case: panel_school])
    sign_in_as(caseworker)
    # The case page offers the final plan as a link to the plan's own page.
    page.goto(live_server.url + reverse("casework:case_detail", args=[plan.case.reference]))
    page.get_by_role("button", name="Issue the final plan").click()
    assert page.url.endswith(reverse("plans:issue_final", args=[plan.case.reference]))
    assert page.locator("input[type=radio][name=named_setting]").count() >= 2
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    page.locator("input[name=named_setting][value=none]").check()
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_text("will name no school or setting").count() >= 1
    assert axe_violations(page) == []
