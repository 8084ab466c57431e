"""Issue 19: a family's one-time sign-in code by email or text, as their second factor."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts import codes
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role, SignInCode
from ehcp_portal.accounts.signin import session_passed_mfa
from notifications.models import Notification
from notifications.services import notification_send
from tests.factories import PASSWORD, UserFactory

CODE_PAGE = "/accounts/code/"


@pytest.fixture
def texting_parent(db):
    return UserFactory(
        role=Role.PARENT,
        email=f"codes@{NO_EMAIL_DOMAIN}",
        phone="07700 900 123",
        signin_code_channel="sms",
    )


def _sign_in(client, user) -> None:
    from allauth.account.models import EmailAddress

    # Sign-in needs a verified address (allauth, mandatory). A family without email has the
    # council's `.invalid` placeholder, verified by the staff member who made the account.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _last_code(user) -> str:
    message = Notification.objects.filter(recipient=user, purpose="signin_code").latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_after_the_password_a_texted_code_is_asked_and_nothing_else_is_reachable(
    client, texting_parent
):
    _sign_in(client, texting_parent)
    home = client.get(reverse("families:home"))
    assert home.status_code == 302 and home["Location"].startswith(CODE_PAGE)
    api = client.get("/api/cases/")
    assert api.status_code == 403 and "sign-in code" in api.json()["detail"]

    page = client.get(home["Location"])
    body = page.content.decode()
    assert "Enter your sign-in code" in body and "mobile number ending 123" in body
    message = Notification.objects.get(recipient=texting_parent, purpose="signin_code")
    assert message.channel == "sms"  # their choice, never in-app
    assert not Notification.objects.filter(purpose="signin_code", channel="in_app").exists()

    passed = client.post(home["Location"], {"code": _last_code(texting_parent)})
    assert passed.status_code == 302 and passed["Location"] == reverse("families:home")
    assert client.get(reverse("families:home")).status_code == 200
    request = client.get(reverse("families:home")).wsgi_request
    assert session_passed_mfa(request, texting_parent)  # the existing checks count it as MFA


def test_the_code_is_stored_hashed_and_removed_from_the_outbox_once_sent(
    client, texting_parent, settings, tmp_path
):
    settings.SMS_DIR = tmp_path
    _sign_in(client, texting_parent)
    client.get(CODE_PAGE)
    code = _last_code(texting_parent)
    stored = SignInCode.objects.get(user=texting_parent)
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    message = Notification.objects.get(purpose="signin_code")
    assert notification_send(notification_id=message.pk) == "sent"
    [text] = tmp_path.iterdir()
    assert code in text.read_text() and "+447700900123" in text.read_text()
    message.refresh_from_db()
    assert code not in message.body


def test_a_wrong_code_is_refused_on_the_page_keeping_what_was_typed(client, texting_parent):
    _sign_in(client, texting_parent)
    client.get(CODE_PAGE)
    wrong = "000000" if _last_code(texting_parent) != "000000" else "111111"
    page = client.post(CODE_PAGE, {"code": wrong})
    body = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in body and "The code is not right" in body
    assert f'value="{wrong}"' in body
    assert "Error:" in body.split("</title>")[0]
    short = client.post(CODE_PAGE, {"code": "12ab"}).content.decode()
    assert "The code must be 6 numbers" in short
    assert client.get(reverse("families:home")).status_code == 302


def test_a_code_expires_after_10_minutes(client, texting_parent):
    _sign_in(client, texting_parent)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(CODE_PAGE)
        code = _last_code(texting_parent)
        clock.shift(timedelta(minutes=10, seconds=1))
        body = client.post(CODE_PAGE, {"code": code}).content.decode()
    assert "That code has expired or has been used" in body
    assert client.get(reverse("families:home")).status_code == 302


def test_a_code_works_once(client, texting_parent):
    _sign_in(client, texting_parent)
    client.get(CODE_PAGE)
    code = _last_code(texting_parent)
    assert client.post(CODE_PAGE, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    _sign_in(client, texting_parent)
    # Used: refused even straight to the check, and a new sign-in needs a new code.
    with pytest.raises(codes.CodeRefused, match="expired or has been used"):
        codes.signin_code_check(user=texting_parent, code=code)
    assert client.get(reverse("families:home")).status_code == 302


def test_a_new_code_ends_the_earlier_one(client, texting_parent):
    _sign_in(client, texting_parent)
    client.get(CODE_PAGE)
    first = _last_code(texting_parent)
    client.post(reverse("signin_code:resend"))
    second = _last_code(texting_parent)
    if first != second:
        assert "not right" in client.post(CODE_PAGE, {"code": first}).content.decode()
    assert client.post(CODE_PAGE, {"code": second}).status_code == 302


def test_guesses_are_limited_per_code_and_per_hour(client, texting_parent):
    _sign_in(client, texting_parent)
    client.get(CODE_PAGE)
    code = _last_code(texting_parent)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(codes.MAX_WRONG_PER_CODE - 1):
        assert "not right" in client.post(CODE_PAGE, {"code": wrong}).content.decode()
    assert "Too many wrong codes" in client.post(CODE_PAGE, {"code": wrong}).content.decode()
    # The right code no longer works: the guessed-at code is dead.
    assert client.post(CODE_PAGE, {"code": code}).status_code == 200

    # Across codes, the account waits an hour after MAX_WRONG_PER_WINDOW wrong answers; the
    # count is in the shared cache, so every web process sees it.
    client.post(reverse("signin_code:resend"))
    code = _last_code(texting_parent)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(codes.MAX_WRONG_PER_WINDOW - codes.MAX_WRONG_PER_CODE):
        client.post(CODE_PAGE, {"code": wrong})
    locked = client.post(CODE_PAGE, {"code": code}).content.decode()
    assert "Wait an hour" in locked
    assert client.get(reverse("families:home")).status_code == 302


def test_sending_is_limited(client, texting_parent):
    _sign_in(client, texting_parent)
    client.get(CODE_PAGE)  # the first code
    for _ in range(codes.MAX_SENDS - 1):
        client.post(reverse("signin_code:resend"))
    refused = client.post(reverse("signin_code:resend"), follow=True).content.decode()
    assert "Wait 15 minutes" in refused
    assert SignInCode.objects.filter(user=texting_parent).count() == codes.MAX_SENDS


def test_a_code_by_email(client, db):
    parent = UserFactory(role=Role.PARENT, email="sam@example.test", signin_code_channel="email")
    _sign_in(client, parent)
    body = client.get(CODE_PAGE).content.decode()
    assert "by email to sam@example.test" in body
    message = Notification.objects.get(recipient=parent, purpose="signin_code")
    assert message.channel == "email"
    assert client.post(CODE_PAGE, {"code": _last_code(parent)}).status_code == 302


def test_families_without_codes_sign_in_as_before(client, db):
    parent = UserFactory(role=Role.PARENT)
    _sign_in(client, parent)
    assert client.get(reverse("families:home")).status_code == 200
    assert client.get(CODE_PAGE).status_code == 404
    assert not Notification.objects.filter(purpose="signin_code").exists()


def test_a_family_turns_codes_on_and_off(client, db):
    parent = UserFactory(role=Role.PARENT)
    client.force_login(parent)
    url = reverse("signin_code:settings")
    assert client.get(url).status_code == 200
    missing = client.post(url, {"channel": "sms", "phone": ""}).content.decode()
    assert "Enter a mobile phone number to get codes by text" in missing
    assert "govuk-error-summary" in missing
    landline = client.post(url, {"channel": "sms", "phone": "0113 496 0000"}).content.decode()
    assert "Enter a UK mobile number" in landline and 'value="0113 496 0000"' in landline
    assert client.post(url, {"channel": "sms", "phone": "07700900982"}).status_code == 302
    parent.refresh_from_db()
    assert (parent.signin_code_channel, parent.phone) == ("sms", "+447700900982")
    assert client.post(url, {"channel": ""}).status_code == 302
    parent.refresh_from_db()
    assert parent.signin_code_channel == ""


def test_a_family_without_email_cannot_choose_codes_by_email(client, db):
    parent = UserFactory(role=Role.PARENT, email=f"x@{NO_EMAIL_DOMAIN}")
    client.force_login(parent)
    body = client.post(reverse("signin_code:settings"), {"channel": "email"}).content.decode()
    assert "We do not have your email address" in body


@pytest.mark.parametrize(
    "role",
    [Role.CASEWORKER, Role.TEAM_MANAGER, Role.SCHOOL, Role.ADVICE_GIVER, Role.ADMIN, Role.DPO],
)
def test_staff_keep_totp_and_cannot_use_codes(client, user_of_role, role):
    user = user_of_role(role)
    client.force_login(user)
    assert client.get(reverse("signin_code:settings")).status_code == 404
    assert client.get(CODE_PAGE).status_code == 404
    # Even set on their record (an administrator's slip), a code never replaces TOTP.
    user.signin_code_channel = "email"
    user.save()
    assert not codes.signin_code_required(user)


def test_code_pages_need_sign_in(client, db):
    for url in (CODE_PAGE, reverse("signin_code:settings")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_failed_code_message_is_emptied_and_never_sent_again(client, texting_parent, settings):
    from notifications.services import notification_retry

    settings.NOTIFY_API_KEY = ""
    texting_parent.phone = ""  # the number was removed meanwhile: the text cannot go
    texting_parent.save()
    codes.signin_code_send(user=texting_parent)
    message = Notification.objects.get(purpose="signin_code")
    code = _last_code(texting_parent)
    assert notification_send(notification_id=message.pk) == "failed"
    message.refresh_from_db()
    assert code not in message.body
    assert notification_retry(notification=message) is False
