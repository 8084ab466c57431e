"""In a real browser: the council's administrator changes a letter's wording in the admin; a
wording that would drop the appeal and mediation dates is refused with the reason; axe finds no
WCAG 2.2 A/AA violations on the template's form, blank and with errors."""

from __future__ import annotations

import pytest

from cases.correspondence.models import LetterTemplate
from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDING = "Thank you, {child}.\n[[decision]]\n[[next_steps]]\n[[rights]]\n[[contact]]"


def test_an_administrator_changes_a_letter_s_wording(live_server, page, sign_in_as):
    sign_in_as(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    page.goto(live_server.url + "/admin/correspondence/lettertemplate/add/")
    assert axe_violations(page) == []
    page.get_by_label("Kind").select_option("refuse_to_assess")
    page.get_by_label("Body").fill(WORDING.replace("[[rights]]", ""))
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("The letter must keep [[rights]]").wait_for(timeout=5000)
    assert not LetterTemplate.objects.exists()
    assert axe_violations(page) == []

    page.get_by_label("Body").fill(WORDING)
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("Saved as version 1").wait_for(timeout=5000)
    assert LetterTemplate.objects.get().version == 1
    # The list page after saving is Django's own changelist: its colour-only breadcrumb links
    # are part of the admin-wide axe work (issue 20), not checked here.
