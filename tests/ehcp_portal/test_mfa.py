"""Every way in needs the second factor, under production settings (MFA_REQUIRED_FOR_STAFF).

A user who must use MFA and has an authenticator app is signed in only once the session has
answered allauth's TOTP challenge with a real code, whether they came through the sign-in page,
the Django admin, the one-time email link or a session used for the API. A user who has not set
one up yet may only set it up, see their recovery codes and sign out.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from tests.factories import PASSWORD, CaseFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_required")]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def separate_cache(settings):
    """Sign-in counters of this test only (the same Redis, a key prefix of its own)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}
    }


def totp_code(secret: str = SECRET) -> str:
    """The code an authenticator app shows now (RFC 6238, as allauth checks it)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def wrong_code(secret: str = SECRET) -> str:
    right = totp_code(secret)
    return next(c for c in ("000000", "111111", "222222") if c != right)


def person(role: str = Role.CASEWORKER, *, totp: bool = True, **extra):
    user = UserFactory(role=role, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if totp:
        TOTP.activate(user, SECRET)
    return user


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_sign_in(client, user, next_url: str | None = None):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


# --- the sign-in page ---------------------------------------------------------------------------


def test_password_alone_signs_in_nobody_who_has_an_authenticator(client):
    user = person()
    response = password_sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    # Going anywhere else instead of answering the challenge gets nowhere.
    assert client.get(reverse("casework:caseload"))["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get(reverse("casework:caseload")).status_code == 200


def test_a_code_cannot_be_used_twice(client):
    user = person()
    password_sign_in(client, user)
    code = totp_code()
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in(client)
    client.logout()
    password_sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert not signed_in(client), response


# --- the Django admin -------------------------------------------------------------------------


def test_admin_sign_in_goes_through_the_portal_sign_in_and_its_challenge(client):
    admin_user = person(Role.ADMIN, is_staff=True, is_superuser=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    # The admin's own password form no longer signs anyone in.
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": PASSWORD}
    )
    assert response["Location"].startswith(reverse("account_login"))
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    response = password_sign_in(client, admin_user, next_url="/admin/")
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_that_skipped_the_challenge_is_signed_out_not_trusted(client):
    # As the old admin form or email link did (and force_login does): signed in, never challenged.
    admin_user = person(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not signed_in(client)


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"})
def test_thirty_wrong_admin_passwords_are_not_all_accepted(separate_cache):
    from django.test import Client

    admin_user = person(Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="192.0.2.14")
    for _ in range(30):
        response = client.post(
            "/admin/login/", {"username": admin_user.email, "password": "wrong-password"}
        )
        assert response.status_code == 302  # only ever sent to the portal's sign-in
        assert response["Location"].startswith(reverse("account_login"))
    # There, the failures are counted (per address and per account), in the shared cache.
    answers = []
    for _ in range(8):
        response = client.post(
            reverse("account_login") + "?next=/admin/",
            {"login": admin_user.email, "password": "wrong-password"},
        )
        answers.append("Too many failed login attempts" in response.content.decode())
    assert answers == [False] * 5 + [True] * 3
    # Even the right password is refused while the limit holds.
    response = password_sign_in(client, admin_user, next_url="/admin/")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


# --- the one-time email link ------------------------------------------------------------------


def _link_for(client, email: str) -> str:
    client.post(reverse("advice:sign_in"), {"email": email})
    return re.search(r"http://testserver(/advice/sign-in/\S+/)", mail.outbox[-1].body).group(1)


def test_email_link_leads_to_the_challenge_for_someone_with_an_authenticator(client):
    ep = person(Role.ADVICE_GIVER)
    response = client.post(_link_for(client, ep.email))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get(reverse("advice:home"))["Location"].startswith(reverse("account_login"))

    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert signed_in(client)
    assert client.get(reverse("advice:home")).status_code == 200


def test_email_link_without_an_authenticator_only_reaches_the_set_up(client):
    senco = UserFactory(role=Role.SCHOOL)  # never signed in, no verified address yet
    response = client.post(_link_for(client, senco.email))
    assert signed_in(client)
    assert response["Location"] == reverse("home")
    response = client.get(reverse("advice:home"))
    assert response["Location"] == reverse("mfa_activate_totp")
    # The link proved the address, so setting up an authenticator is not refused for it.
    assert EmailAddress.objects.get(user=senco).verified


# --- API sessions -------------------------------------------------------------------------------


def test_api_refuses_a_session_that_did_not_pass_the_challenge(client):
    worker = person(Role.CASEWORKER)
    client.force_login(worker)
    response = client.get("/api/cases/")
    assert response.status_code == 403
    assert "authenticator" in response.json()["detail"]
    assert not signed_in(client)


def test_api_refuses_a_session_until_mfa_is_set_up(client):
    worker = person(Role.CASEWORKER, totp=False)
    client.post(reverse("account_login"), {"login": worker.email, "password": PASSWORD})
    assert signed_in(client)
    response = client.get("/api/cases/")
    assert response.status_code == 403
    assert "Set up two-factor authentication" in response.json()["detail"]


def test_api_answers_a_session_that_passed_the_challenge(client):
    team = TeamFactory()
    worker = person(Role.CASEWORKER, team=team)
    case = CaseFactory(caseworker=worker, team=team)
    password_sign_in(client, worker)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert case.reference in response.content.decode()


# --- before set-up: only the set-up -----------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_change_password",
        "account_set_password",
        "mfa_index",
        "casework:caseload",
        "home",
    ],
)
def test_before_set_up_account_pages_are_closed(client, url_name):
    worker = person(Role.CASEWORKER, totp=False)
    client.post(reverse("account_login"), {"login": worker.email, "password": PASSWORD})
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db(transaction=True)  # allauth records the new authenticator on commit
def test_setting_up_totp_with_a_real_code_opens_the_service(client):
    worker = person(Role.CASEWORKER, totp=False)
    client.post(reverse("account_login"), {"login": worker.email, "password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    # Setting up a second factor asks for the password again (allauth reauthentication).
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert client.get(reverse("casework:caseload")).status_code == 302

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert client.get(reverse("casework:caseload")).status_code == 200


def test_someone_who_must_use_mfa_cannot_switch_it_off(client):
    worker = person(Role.CASEWORKER)
    password_sign_in(client, worker)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication" in response.content.decode()
    assert Authenticator.objects.filter(user=worker, type=Authenticator.Type.TOTP).exists()


def test_families_are_not_held_by_mfa(client):
    parent = person(Role.PARENT, totp=False)
    client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})
    assert client.get(reverse("families:home")).status_code == 200


def test_checking_the_second_factor_costs_a_page_no_query(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = TeamFactory()
    worker = person(Role.CASEWORKER, team=team)
    CaseFactory(caseworker=worker, team=team)
    password_sign_in(client, worker)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    counts = {}
    for required in (False, True):
        settings.MFA_REQUIRED_FOR_STAFF = required
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("casework:caseload")).status_code == 200
        counts[required] = len(queries)
    # allauth keeps the record of the passed challenge in the session itself.
    assert counts[True] == counts[False]
