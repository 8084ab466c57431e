"""Issue 13: the final plan offers the settings consulted, the panel's named setting and the
family's preference, labelled, and warns (a confirm step) before naming none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.plans import placement
from cases.plans.consultations import consultation_send
from cases.plans.family_responses import plan_family_respond
from cases.plans.issuing import plan_issue_draft
from cases.plans.models import Plan
from tests.cases.plans.conftest import days_ago
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_the_draft(plan, caseworker, family, setting, monkeypatch):
    panel_school = SettingFactory(name="Hillside Special School")
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    plan_family_respond(
        plan=plan,
        actor=family,
        preferred_setting=setting,
        preference_reasons="Near home",
        wants_meeting=False,
        share_with_setting=False,
    )
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    monkeypatch.setattr(placement, "_panel_setting_providers", [lambda case: panel_school])
    return plan, panel_school


def test_final_plan_offers_the_familys_consulted_preference_and_points_to_the_panels(
    client, after_the_draft, caseworker, setting
):
    plan, panel_school = after_the_draft
    client.force_login(caseworker)
    page = client.get(reverse("plans:issue_final", args=[plan.case.reference])).content.decode()
    assert f'value="{setting.pk}" checked' in page
    assert "Oakfield Primary School (the family&#x27;s preference; consulted" in page
    # The panel's setting is shown, labelled, with the way to consult it; not yet nameable.
    assert "Hillside Special School (the panel&#x27;s named setting; not consulted yet)" in page
    assert f'value="{panel_school.pk}"' not in page
    assert "Consult Hillside Special School" in page


def test_the_panels_setting_once_consulted_comes_first_and_is_named(
    client, after_the_draft, caseworker
):
    plan, panel_school = after_the_draft
    consultation_send(plan=plan, settings=[panel_school], actor=caseworker, on=days_ago(18))
    client.force_login(caseworker)
    url = reverse("plans:issue_final", args=[plan.case.reference])
    page = client.get(url).content.decode()
    assert page.index("Hillside Special School (the panel") < page.index("Oakfield Primary")
    assert f'value="{panel_school.pk}" checked' in page
    assert client.post(url, {"named_setting": panel_school.pk}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FINAL and plan.named_setting == panel_school


def test_naming_no_setting_needs_a_confirm_step(client, after_the_draft, caseworker):
    plan, _panel_school = after_the_draft
    client.force_login(caseworker)
    url = reverse("plans:issue_final", args=[plan.case.reference])
    page = client.post(url, {"named_setting": "none"}).content.decode()
    assert "govuk-error-summary" in page
    assert "will name no school or setting" in page
    assert 'value="none" checked' in page  # what was chosen is kept
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT_ISSUED
    # SEN2: a plan naming no school says what kind of place it makes instead.
    page = client.post(url, {"named_setting": "none", "confirm_none": "on"}).content.decode()
    assert "Select the kind of place the plan makes instead" in page
    posted = {"named_setting": "none", "confirm_none": "on", "sen_setting": "OLA"}
    assert client.post(url, posted).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FINAL and plan.named_setting is None
    assert plan.sen_setting == "OLA"
    placement = plan.case.placements.get()
    assert placement.setting is None and placement.sen_setting == "OLA"
    assert placement.entry_date == plan.issued_on


def test_the_final_plan_records_the_place_and_personal_budget_for_sen2(
    client, after_the_draft, caseworker
):
    plan, panel_school = after_the_draft
    consultation_send(plan=plan, settings=[panel_school], actor=caseworker, on=days_ago(18))
    client.force_login(caseworker)
    url = reverse("plans:issue_final", args=[plan.case.reference])
    bad = {"named_setting": panel_school.pk, "direct_payments": "E", "residential": "A"}
    page = client.post(url, bad).content.decode()
    assert "Tick &#x27;a personal budget is part of the plan&#x27;" in page
    assert '<option value="A" selected>' in page  # what was chosen is kept
    posted = {**bad, "personal_budget": "on", "starts_on_0": "1", "starts_on_1": "9"}
    posted["starts_on_2"] = "2027"
    assert client.post(url, posted).status_code == 302
    plan.refresh_from_db()
    assert (plan.personal_budget, plan.direct_payments, plan.residential) == (True, "E", "A")
    placement = plan.case.placements.get()
    assert placement.setting == panel_school and placement.residential == "A"
    assert placement.entry_date.month == 9


def test_consultation_page_lists_the_panels_setting_first(client, after_the_draft, caseworker):
    plan, panel_school = after_the_draft
    client.force_login(caseworker)
    page = client.get(
        reverse("plans:consultation_choose", args=[plan.case.reference])
    ).content.decode()
    assert "Hillside Special School (the panel&#x27;s named setting; not consulted yet)" in page
