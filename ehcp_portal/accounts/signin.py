"""Whether a session has passed the second factor, and signing in without a password.

allauth records, in the session, every way the person proved who they are ("password", "mfa",
...). A user who must use MFA has a trustworthy session only if one of those records is "mfa":
owning an authenticator is not enough (issue 14: the Django admin and the email sign-in link
used to sign such a user in with one factor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest, HttpResponse

    from ehcp_portal.accounts.models import User


def mfa_required(user: User) -> bool:
    """Staff, professionals and elected members see other people's children's records."""
    return bool(settings.MFA_REQUIRED_FOR_STAFF and user.needs_mfa)


def session_passed_mfa(request: HttpRequest, user: User) -> bool:
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def user_has_totp(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_record_totp_set_up(
    request: HttpRequest, user: User, authenticator: Authenticator
) -> None:
    """Setting up TOTP means typing a valid code from the new authenticator: the session that did
    it has passed the second factor, as if it had answered allauth's challenge."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(
        request, user, method="mfa", id=authenticator.pk, type=authenticator.type, activated=True
    )


def sign_in_with_link(request: HttpRequest, user: User) -> HttpResponse:
    """Sign in someone who followed a one-time link sent to their address.

    It goes through allauth's login stages like a password sign-in, so a user with an
    authenticator is asked for its code before the session is signed in (and the link alone
    signs in nobody who has one). The link proves the address, so it counts as verified.
    """
    from allauth.account.adapter import get_adapter
    from allauth.account.app_settings import EmailVerificationMethod
    from allauth.account.models import EmailAddress
    from allauth.account.utils import perform_login

    has_primary = EmailAddress.objects.filter(user_id=user.pk, primary=True).exists()
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email.lower(), defaults={"primary": not has_primary}
    )
    if not address.verified:
        get_adapter(request).confirm_email(request, address)
    return perform_login(
        request,
        user,
        email_verification=EmailVerificationMethod.NONE,
        redirect_url=reverse("home"),
    )
