from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cases.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from cases.plans.issuing import plan_after_transition
        from cases.plans.readiness import case_draft_refusal, case_final_refusal
        from cases.plans.reviews import review_letter_made
        from cases.workflow import (
            register_action_page,
            register_after_letter,
            register_after_transition,
            register_guard,
        )

        # The case page offers, and the workflow allows, "Send the draft plan to the family"
        # only for a plan that is ready; the plan then records the draft it sent.
        register_guard("issue_draft", case_draft_refusal)
        register_after_transition(plan_after_transition)
        # The final plan is issued from the plan's own page, which stores its document and the
        # setting it names (section I); the case page offers it only when that page would issue
        # it, and links there.
        register_guard("issue_final", case_final_refusal)
        register_action_page("issue_final", "plans:issue_final")
        # An annual review's cease letter is made by the worker; the review then points at it.
        register_after_letter(review_letter_made)
