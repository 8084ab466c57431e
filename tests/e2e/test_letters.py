"""In a real browser: a refusal recorded on the case page answers at once, says the letter is
being prepared and shows it when the worker has made it (a static script polls; no reload);
a manager writes a bulk letter, checks it and follows its progress. axe finds no WCAG 2.2 A/AA
violations on these pages."""

from __future__ import annotations

import time

import pytest

from cases.correspondence import services
from cases.correspondence.models import BulkSend
from cases.models import Stage
from ehcp_portal.accounts.models import Role
from tests.cases.correspondence.helpers import school_cohort
from tests.e2e.conftest import axe_violations
from tests.factories import CaseFactory, SettingFactory, TeamFactory, UserFactory, family_for
from tests.letters import letters_made_by_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_refusal_answers_at_once_and_the_letter_appears_when_made(live_server, page, sign_in_as):
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team, full_name="Casey Worker")
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_label("Decide not to assess").check()
    page.get_by_label("Reasons").fill("Needs are met through SEN support.")
    started = time.monotonic()
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert time.monotonic() - started < 1.0
    status = page.locator("#letter-status")
    assert "being prepared" in status.inner_text()
    assert axe_violations(page) == []

    letters_made_by_worker()  # what the worker does
    page.get_by_text("The decision letter is ready").wait_for(timeout=10_000)
    assert status.get_by_role("link").count() == 1
    assert axe_violations(page) == []


def test_a_manager_writes_checks_and_follows_a_bulk_letter(live_server, page, sign_in_as):
    team = TeamFactory()
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team, full_name="Morgan Manager")
    school = SettingFactory(area=team.area, name="Hillside Primary")
    for case in school_cohort(team, school, 3):
        family_for(case)
    sign_in_as(manager)
    page.goto(f"{live_server.url}/letters/bulk/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Write a bulk letter").click()
    assert axe_violations(page) == []

    page.get_by_label("Families of children at a school or setting").check()
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Families of children at a school or setting").check()
    page.get_by_label("School or setting", exact=True).select_option(label="Hillside Primary")
    page.get_by_label("Letter heading").fill("Open evening")
    page.get_by_label("Letter", exact=True).fill("Dear family of {child}, come along.")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("3 letters, one to each family").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Send 3 letters").click()
    assert page.get_by_text("0 of 3 sent").is_visible()
    assert axe_violations(page) == []
    services.bulk_send_run(BulkSend.objects.get().pk)  # what the worker does
    page.get_by_text("3 of 3 sent").wait_for(timeout=10_000)
    assert axe_violations(page) == []
