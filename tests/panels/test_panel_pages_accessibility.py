"""axe-core on the panel's decision form as issue 13 left it: every setting offered, the
family's preference first, with and without errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Stage
from cases.plans.models import FamilyResponse, Plan
from tests.conftest import axe_violations
from tests.factories import AreaFactory, SettingFactory, family_for
from tests.panels.conftest import hold

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_decision_form_with_every_setting(
    live_server, page, sign_in_as, make_meeting, on_agenda, case
):
    case.stage = Stage.DECIDING_ISSUE
    case.save()
    parent = family_for(case)
    for n in range(12):
        SettingFactory(area=case.area, name=f"Local School {n:02}")
    preferred = SettingFactory(area=AreaFactory(name="Far Away"), name="Distant Academy")
    FamilyResponse.objects.create(
        plan=Plan.objects.create(case=case),
        version=1,
        preferred_setting=preferred,
        submitted_by=parent,
        submitted_on=case.received_on,
    )
    meeting = make_meeting("decision-to-issue", status="published")
    on_agenda(meeting, case)
    hold(meeting)
    sign_in_as(meeting.chair)
    page.goto(
        live_server.url + reverse("panels:decision", args=[meeting.pk]) + f"?case={case.reference}"
    )
    options = page.locator("select[name=named_setting] option")
    assert options.count() == 14
    assert "the family's preference" in options.nth(1).inner_text()
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
