"""The council's choice to require a QA officer's sign-off before a draft plan is sent: a guard
on the workflow's "issue_draft" (registered in `QualityConfig.ready`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cases.quality.models import Grade, PlanAudit
from cases.quality.selectors import quality_settings

if TYPE_CHECKING:
    from cases.models import Case

REFUSAL = (
    "A quality assurance officer must sign off the plan before the draft is sent. Ask for "
    "sign-off on the case's Plan page."
)
REFUSAL_INADEQUATE = (
    "The plan's quality audit graded it Inadequate: act on the audit and ask for sign-off again."
)


def case_draft_signoff_refusal(case: Case, today: date) -> str | None:
    if not quality_settings().qa_signoff_required:
        return None
    latest = (
        PlanAudit.objects.filter(case=case)
        .exclude(status=PlanAudit.Status.SAMPLED)
        .order_by("-audited_at")
        .first()
    )
    if latest is None:
        return REFUSAL
    if latest.final_grade == Grade.INADEQUATE:
        return REFUSAL_INADEQUATE
    return None
