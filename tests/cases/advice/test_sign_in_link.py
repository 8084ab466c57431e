"""One-time sign-in links for professionals: single use, short-lived, only a hash stored."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.advice.models import SignInLink
from ehcp_portal.accounts.models import Role
from tests.factories import UserFactory


def _ask_for_link(client, email: str) -> str | None:
    response = client.post(reverse("advice:sign_in"), {"email": email})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    if not mail.outbox:
        return None
    return re.search(r"http://testserver(/advice/sign-in/\S+/)", mail.outbox[-1].body).group(1)


def test_link_signs_an_advice_giver_in_once(client, db):
    ep = UserFactory(role=Role.ADVICE_GIVER, email="ep@example.test")
    path = _ask_for_link(client, "EP@example.test ")
    token = path.rstrip("/").rsplit("/", 1)[1]
    # Only a hash is stored: the database holds nothing that signs anyone in.
    stored = SignInLink.objects.get(user=ep)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SignInLink.objects.values()))
    # A GET (e.g. a mail scanner) shows a button and does not use the link.
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert client.get(reverse("advice:home")).status_code == 200
    client.logout()
    again = client.post(path)
    assert again.status_code == 410
    assert "expired" in again.content.decode()


def test_link_expires_after_30_minutes(client, db):
    UserFactory(role=Role.ADVICE_GIVER, email="hv@example.test")
    path = _ask_for_link(client, "hv@example.test")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [Role.PARENT, Role.CASEWORKER, Role.ADMIN])
def test_no_link_for_other_roles_and_the_page_does_not_say_so(client, db, role):
    UserFactory(role=role, email="x@example.test")
    assert _ask_for_link(client, "x@example.test") is None
    assert _ask_for_link(client, "nobody@example.test") is None
    assert not SignInLink.objects.exists()


def test_a_made_up_token_signs_nobody_in(client, db):
    response = client.post(reverse("advice:sign_in_use", args=["made-up-token"]))
    assert response.status_code == 410
    assert "_auth_user_id" not in client.session


def test_invalid_email_is_an_error_on_the_page(client, db):
    response = client.post(reverse("advice:sign_in"), {"email": "not-an-email\x00"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()


def test_links_are_rate_limited_and_using_one_retires_the_others(client, db):
    UserFactory(role=Role.SCHOOL, email="senco@example.test")
    paths = [_ask_for_link(client, "senco@example.test") for _ in range(3)]
    mail.outbox.clear()
    assert _ask_for_link(client, "senco@example.test") is None  # fourth within 15 minutes
    assert SignInLink.objects.count() == 3
    assert client.post(paths[1]).status_code == 302
    client.logout()
    assert client.post(paths[0]).status_code == 410
    assert client.post(paths[2]).status_code == 410
