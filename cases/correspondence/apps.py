from __future__ import annotations

from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "cases.correspondence"
    label = "correspondence"
    verbose_name = "Letters"

    def ready(self) -> None:
        from cases.correspondence import access, services
        from cases.letters import register_wording_provider
        from cases.workflow import register_after_letter, register_letter_deferrer

        access.register()
        # The council's wording of each letter (the admin); the portal keeps the statutory blocks.
        register_wording_provider(services.letter_wording)
        # Decision letters ordered from the case page are made by the worker (the outbox).
        register_letter_deferrer(services.letter_job_order)
        # Which wording each letter used.
        register_after_letter(services.letter_issue_record)
