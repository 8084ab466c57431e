"""Issue 19: families without email sign in with their mobile number and a texted code.

The pages never reveal whether a number is on an account: the same redirect, page, messages
and limits for every number. Codes are the family codes' own (single use, 10 minutes, hashed).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts import phone_signin
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role
from ehcp_portal.accounts.signin import session_passed_mfa
from notifications.models import Notification
from tests.factories import UserFactory

START = "/accounts/phone/"
CODE = "/accounts/phone/code/"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The limits count in the shared cache: each test counts on its own."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def phone_parent(db):
    # Stored as an administrator typed it; the parent types it another way.
    return UserFactory(
        role=Role.PARENT, email=f"phone-only@{NO_EMAIL_DOMAIN}", phone="07700 900 321"
    )


def _code_for(user) -> str:
    message = Notification.objects.filter(recipient=user, purpose="signin_code").latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _start(client, number: str):
    return client.post(START, {"phone": number})


def test_a_parent_with_only_a_phone_signs_in_with_a_texted_code(client, phone_parent):
    assert (
        "Sign in with your mobile phone number"
        in client.get(reverse("account_login")).content.decode()
    )
    started = _start(client, "+44 7700 900321")
    assert started.status_code == 302 and started["Location"] == CODE
    text = Notification.objects.get(recipient=phone_parent, purpose="signin_code")
    assert text.channel == "sms"  # by text, pinned: never in-app, never by post
    page = client.get(CODE).content.decode()
    assert "ending 321" in page and "works once, for 10 minutes" in page

    signed_in = client.post(CODE, {"code": _code_for(phone_parent)})
    assert signed_in.status_code == 302
    home = client.get(reverse("families:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == phone_parent
    assert session_passed_mfa(home.wsgi_request, phone_parent)  # not asked for a code again


def test_a_number_nobody_has_gets_the_same_pages_and_answers(client, phone_parent):
    unknown = _start(client, "07700 900 999")
    assert unknown.status_code == 302 and unknown["Location"] == CODE
    assert not Notification.objects.filter(purpose="signin_code").exists()
    unknown_page = client.get(CODE).content.decode()
    unknown_answer = client.post(CODE, {"code": "123456"}).content.decode()

    other = client.__class__()
    _start(other, "07700900321")
    known_page = other.get(CODE).content.decode()
    real = _code_for(phone_parent)
    wrong = "000000" if real != "000000" else "111111"
    known_answer = other.post(CODE, {"code": wrong}).content.decode()

    def tidy(html: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r"ending \d{3}", "ending NNN", html)

    assert tidy(unknown_page) == tidy(known_page)
    assert phone_signin.NOT_RIGHT in unknown_answer and phone_signin.NOT_RIGHT in known_answer
    assert tidy(unknown_answer).replace('value="123456"', "") == tidy(known_answer).replace(
        f'value="{wrong}"', ""
    )


def test_sends_are_limited_the_same_for_every_number(client, phone_parent):
    for number in ("07700900321", "07700900998"):
        for _ in range(phone_signin.MAX_SENDS_PER_NUMBER):
            assert _start(client, number).status_code == 302
        refused = _start(client, number)
        assert refused.status_code == 200
        assert phone_signin.TOO_MANY_SENDS in refused.content.decode()
    assert Notification.objects.filter(recipient=phone_parent, purpose="signin_code").count() == 3


def test_a_code_works_once_and_for_ten_minutes(client, phone_parent):
    _start(client, "07700900321")
    code = _code_for(phone_parent)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        late = client.post(CODE, {"code": code})
    assert phone_signin.NOT_RIGHT in late.content.decode()

    _start(client, "07700900321")
    code = _code_for(phone_parent)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    _start(client, "07700900321")
    again = client.post(CODE, {"code": code})  # the first code, used already
    assert again.status_code == 200 and phone_signin.NOT_RIGHT in again.content.decode()


def test_guessing_is_stopped_for_the_number(client, phone_parent):
    _start(client, "07700900321")
    real = _code_for(phone_parent)
    guesses = [f"{n:06d}" for n in range(20) if f"{n:06d}" != real][:10]
    for guess in guesses:
        client.post(CODE, {"code": guess})
    blocked = client.post(CODE, {"code": real})
    assert blocked.status_code == 200 and phone_signin.TOO_MANY_WRONG in blocked.content.decode()


def test_staff_cannot_sign_in_with_a_phone_code(client, db):
    UserFactory(role=Role.CASEWORKER, phone="07700900555")
    _start(client, "07700900555")
    assert not Notification.objects.filter(purpose="signin_code").exists()


def test_a_number_that_is_not_a_uk_mobile_is_shown_back_with_the_reason(client, db):
    page = client.post(START, {"phone": "0113 496 0000"})
    body = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in body
    assert "Enter a UK mobile number" in body and 'value="0113 496 0000"' in body
    assert client.get(CODE)["Location"] == START  # no number yet: back to the start
