from __future__ import annotations

from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "cases.quality"
    label = "quality"
    verbose_name = "Quality, complaints and the family's voice"

    def ready(self) -> None:
        from cases.quality import access, signoff
        from cases.workflow import register_after_transition, register_guard

        access.register()
        # The council may require a QA officer's sign-off before a draft plan goes to the family.
        register_guard("issue_draft", signoff.case_draft_signoff_refusal)
        # A short survey to the family (and school) after each decision and at plan issue.
        from cases.quality.surveys import survey_after_letter, survey_after_transition
        from cases.workflow import register_after_letter

        register_after_transition(survey_after_transition)
        register_after_letter(survey_after_letter)
