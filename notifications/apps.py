from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from cases.workflow import register_after_letter
        from ehcp_portal.accounts.codes import register_signin_code_sender
        from notifications.services import decision_letter_family_notify, signin_code_notify

        # Every decision letter the workflow sends is announced to the family, once.
        register_after_letter(decision_letter_family_notify)
        # A family's one-time sign-in codes go out through the outbox.
        register_signin_code_sender(signin_code_notify)
