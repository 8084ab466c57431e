from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "cases.events"
    label = "events"
    verbose_name = "Events and webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The core offers hooks so it never imports this app: a case opened, a stage changed
        # (and the plan's draft and final issued with it), a decision letter stored.
        from cases.events.hooks import (
            event_after_letter,
            event_after_open,
            event_after_transition,
        )
        from cases.services import register_after_open
        from cases.workflow import register_after_letter, register_after_transition

        register_after_open(event_after_open)
        register_after_transition(event_after_transition)
        register_after_letter(event_after_letter)
