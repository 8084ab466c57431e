"""The plan's writes live by sub-domain: `versions`, `prefill` (request and advice),
`drafting`, `issuing`, `consultations` and `family_responses`. New code imports from those.

This module only re-exports them for callers in code other engineers are changing in parallel
(cases/demo.py imports `_prefilled_sections` from here); remove it once they have moved.
"""

from __future__ import annotations

from cases.plans.consultations import consultation_respond, consultation_send
from cases.plans.drafting import (
    plan_create,
    plan_item_add,
    plan_item_remove,
    plan_readiness_problems,
    plan_section_update,
    setting_named_in,
)
from cases.plans.family_responses import (
    amendment_comments_open,
    plan_comment_add,
    plan_draft_meeting_record,
    plan_family_respond,
)
from cases.plans.issuing import (
    final_plan_exceptions,
    plan_document_store,
    plan_issue_draft,
    plan_issue_final,
)
from cases.plans.prefill import (
    advice_for_plan,
    advice_not_in_plan,
    plan_bring_in_advice,
    plan_prefill_from_advice,
)
from cases.plans.prefill import plan_sections_from_request as _prefilled_sections
from cases.plans.versions import PlanError, clean_text, plan_amendment_open, plan_latest_version

__all__ = [
    "PlanError",
    "_prefilled_sections",
    "advice_for_plan",
    "advice_not_in_plan",
    "amendment_comments_open",
    "clean_text",
    "consultation_respond",
    "consultation_send",
    "final_plan_exceptions",
    "plan_amendment_open",
    "plan_bring_in_advice",
    "plan_comment_add",
    "plan_create",
    "plan_document_store",
    "plan_draft_meeting_record",
    "plan_family_respond",
    "plan_issue_draft",
    "plan_issue_final",
    "plan_item_add",
    "plan_item_remove",
    "plan_latest_version",
    "plan_prefill_from_advice",
    "plan_readiness_problems",
    "plan_section_update",
    "setting_named_in",
]
