"""The SEN2 validation page and the details page it links to, in a real browser: axe-core finds
no WCAG 2.2 A/AA violations, with problems listed and with a form's errors shown."""

from __future__ import annotations

import pytest

from cases.sen2.models import Sen2Return
from cases.sen2.services import sen2_return_build
from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory
from tests.sen2.caseload import build_caseload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_validation_page_and_a_fix_have_no_axe_violations(live_server, page, sign_in_as, team):
    load = build_caseload()
    child = load.children["Historic"]
    child.ethnicity = ""
    child.save()
    case = load.cases["historic"]
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case.team, case.caseworker = team, caseworker
    case.save()

    sign_in_as(UserFactory(role=Role.HEAD_OF_SERVICE))
    page.goto(live_server.url + "/sen2/")
    page.fill("[name=reference_date_0]", "15")
    page.fill("[name=reference_date_1]", "1")
    page.fill("[name=reference_date_2]", "2026")
    page.get_by_role("button", name="Show this date").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Prepare the return").click()
    page.wait_for_load_state()
    assert page.locator("#sen2-pending").is_visible()
    assert axe_violations(page) == []
    # The worker's part (tests/sen2/test_worker.py runs it in a real worker).
    sen2_return_build(return_id=Sen2Return.objects.get().pk)
    page.reload()
    assert "The child's ethnicity is not recorded" in page.content()
    assert axe_violations(page) == []
    page.fill("[name=reference_date_2]", "2099")
    page.get_by_role("button", name="Show this date").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    # The caseworker follows the link and puts it right.
    sign_in_as(caseworker)
    page.goto(live_server.url + f"/sen2/cases/{case.reference}/#child")
    assert page.locator("h1").inner_text() == "Details for the SEN2 return"
    assert axe_violations(page) == []
    page.fill("[name=child-upn]", "B201567815009")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.fill("[name=child-upn]", "B201567815001")
    page.select_option("[name=child-ethnicity]", "WBRI")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "The SEN2 details were saved." in page.content()
    child.refresh_from_db()
    assert child.ethnicity == "WBRI"
