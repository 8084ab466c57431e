"""axe-core finds no WCAG 2.2 A/AA violations on the public pages and each role's home."""

from __future__ import annotations

import pytest

from cases.models import Stage
from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.factories import CaseFactory, UserFactory, family_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accessibility/",
    "/privacy/",
    "/contact/",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_have_no_axe_violations(live_server, page, path):
    page.goto(live_server.url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_sign_in_errors_have_no_axe_violations(live_server, page):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
    ],
)
def test_each_role_home_page_has_no_axe_violations(live_server, page, sign_in_as, team, role):
    user = UserFactory(
        role=role, team=team if role in (Role.CASEWORKER, Role.TEAM_MANAGER) else None
    )
    case = CaseFactory(
        team=team, caseworker=user if role == Role.CASEWORKER else None, stage=Stage.ASSESSING
    )
    if role == Role.PARENT:
        family_for(case, user)
    sign_in_as(user)
    page.goto(live_server.url + "/home/")
    assert user.get_role_display() in page.content()
    assert axe_violations(page) == []


def test_case_page_and_tracker_have_no_axe_violations(
    live_server, page, sign_in_as, case, caseworker
):
    parent = family_for(case)
    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    assert case.reference in page.content()
    assert axe_violations(page) == []
    page.context.clear_cookies()
    sign_in_as(parent)
    page.goto(f"{live_server.url}/track/{case.reference}/")
    assert case.reference in page.content()
    assert axe_violations(page) == []
