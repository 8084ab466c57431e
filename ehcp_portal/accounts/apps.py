from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ehcp_portal.accounts"
    label = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from ehcp_portal.accounts import sessions, signin

        user_logged_in.connect(sessions.on_signed_in, dispatch_uid="ehcp-session-start")

        def totp_set_up(
            sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
        ) -> None:
            if request is not None and authenticator.type == Authenticator.Type.TOTP:
                signin.session_record_totp_set_up(request, user, authenticator)

        authenticator_added.connect(totp_set_up, dispatch_uid="ehcp-totp-set-up", weak=False)
