"""Issue 19: signing in with a mobile number and a texted code, and the staff page that sets up
an account without email, in a real browser with axe-core (with and without errors)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role
from notifications.models import Notification
from tests.e2e.conftest import axe_violations
from tests.factories import CaseFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}
    }


def test_signing_in_with_a_mobile_number(live_server, page):
    parent = UserFactory(
        role=Role.PARENT, email=f"e2e-phone@{NO_EMAIL_DOMAIN}", phone="07700900444"
    )
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_role("link", name="Sign in with your mobile phone number").click()
    page.wait_for_url("**/accounts/phone/")
    assert axe_violations(page) == []

    page.locator("input[name=phone]").fill("01134960000")
    page.get_by_role("button", name="Text me a code").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("input[name=phone]").input_value() == "01134960000"
    assert axe_violations(page) == []

    page.locator("input[name=phone]").fill("07700 900 444")
    page.get_by_role("button", name="Text me a code").click()
    page.wait_for_url("**/accounts/phone/code/")
    assert axe_violations(page) == []
    page.locator("input[name=code]").fill("000")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    message = Notification.objects.get(recipient=parent, purpose="signin_code")
    page.locator("input[name=code]").fill(re.search(r"\b(\d{6})\b", message.body).group(1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/(home|family)/.*"))


def test_the_staff_page_for_an_account_without_email(live_server, page, sign_in_as):
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(team=team, caseworker=caseworker)
    sign_in_as(caseworker)
    page.goto(live_server.url + reverse("families:assisted_account_new", args=[case.reference]))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Set up the account").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Full name of the parent or carer").fill("Morgan Ellis")
    page.get_by_label("Parent", exact=True).check()
    page.get_by_label("Mobile phone number (optional)").fill("07700900778")
    page.get_by_label("Text message (with a link to the portal)").check()
    page.get_by_role("button", name="Set up the account").click()
    page.wait_for_load_state()
    assert page.get_by_text("Account set up for Morgan Ellis").is_visible(), page.inner_text("main")
    assert axe_violations(page) == []
