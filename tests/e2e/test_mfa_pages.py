"""Every member of staff meets these pages under production settings: setting up the
authenticator app, the code challenge at sign-in, and the "too many attempts" page. In a real
browser, with real codes, and no axe-core violations."""

from __future__ import annotations

import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.ehcp_portal.test_mfa import SECRET, totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def production_mfa(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}
    }


def _caseworker(team, *, totp: bool):
    user = UserFactory(role=Role.CASEWORKER, team=team)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if totp:
        TOTP.activate(user, SECRET)
    return user


def _sign_in(page, live_server, user, password: str = PASSWORD) -> None:
    page.goto(live_server.url + reverse("account_login"))
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_setting_up_the_authenticator_app(live_server, page, team):
    user = _caseworker(team, totp=False)
    _sign_in(page, live_server, user)
    # Setting it up asks for the password again first.
    assert "/accounts/reauthenticate/" in page.url
    assert axe_violations(page) == []
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert axe_violations(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert axe_violations(page) == []
    page.goto(live_server.url + reverse("casework:caseload"))
    assert page.url.endswith(reverse("casework:caseload"))
    assert page.locator("h1").inner_text() == "My caseload"


def test_the_code_challenge_at_sign_in(live_server, page, team):
    user = _caseworker(team, totp=True)
    _sign_in(page, live_server, user)
    assert "/accounts/2fa/authenticate/" in page.url
    assert axe_violations(page) == []
    page.locator("input[name=code]").fill("000000" if totp_code() != "000000" else "111111")
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/authenticate/" in page.url
    assert axe_violations(page) == []  # the error shown
    page.locator("input[name=code]").fill(totp_code())
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**" + reverse("casework:caseload"))


def test_too_many_attempts_page(live_server, page, settings, team):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    user = _caseworker(team, totp=True)
    _sign_in(page, live_server, user, password="not-the-password")
    assert "govuk-error-summary" in page.content()
    _sign_in(page, live_server, user, password="not-the-password")
    assert page.locator("h1").inner_text() == "Sorry, there have been too many attempts"
    assert axe_violations(page) == []
