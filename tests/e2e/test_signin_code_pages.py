"""Issue 19: a family member who turned on sign-in codes meets the code page after their
password, in a real browser, with a real texted code, and no axe-core violations on it (with
and without an error), on the settings page or on the contact preferences page."""

from __future__ import annotations

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role
from notifications.models import Notification
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def own_cache(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}
    }


def test_the_code_page_after_the_password(live_server, page):
    parent = UserFactory(
        role=Role.PARENT,
        email=f"e2e-codes@{NO_EMAIL_DOMAIN}",
        phone="07700900123",
        signin_code_channel="sms",
    )
    EmailAddress.objects.create(user=parent, email=parent.email, verified=True, primary=True)
    page.goto(live_server.url + reverse("account_login"))
    page.locator("input[name=login]").fill(parent.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/code/**")
    assert page.get_by_role("heading", name="Enter your sign-in code").is_visible()
    assert axe_violations(page) == []

    page.locator("input[name=code]").fill("12ab")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("input[name=code]").input_value() == "12ab"
    assert axe_violations(page) == []

    message = Notification.objects.get(recipient=parent, purpose="signin_code")
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + reverse("families:home"))


def test_settings_and_preferences_pages(live_server, page, sign_in_as):
    parent = UserFactory(role=Role.PARENT)
    sign_in_as(parent)
    page.goto(live_server.url + reverse("notifications:preferences"))
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("Sign-in codes")).click()
    page.wait_for_url("**/accounts/code/settings/")
    assert axe_violations(page) == []
    page.get_by_label("Yes, text me a code").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
