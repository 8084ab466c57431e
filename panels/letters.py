"""What a panel puts in the letter of its decision, and the meeting's minutes as a PDF.

The decision letter itself is the workflow's (`cases.workflow.case_letter_send`, one template
for every decision): the panel only supplies `LetterDetails`. Minutes are staff-only documents.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from cases.letters import LetterDetails
from cases.models import CouncilProfile, Document

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User
    from panels.models import Decision, Meeting

# WeasyPrint logs every rendering step (and its import) at INFO; one letter per decision would
# flood the logs. Set before weasyprint is first imported, in _pdf.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    import weasyprint

    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def decision_letter_details(decision: Decision) -> LetterDetails:
    """What the panel adds to the workflow's letter of its decision: who considered the case,
    what was agreed (setting, funding, transport), advice still needed, the panel type's next
    steps, and whether the decision carries appeal rights (the panel type's configuration)."""
    item = decision.item
    meeting = item.meeting
    child = item.case.child
    outcome = meeting.panel_type.outcome(decision.outcome) or {}
    considered = (
        f"Our {meeting.panel_type.name.lower()} panel, with professionals from education, "
        f"health and social care, considered {child.first_name}'s case on "
        f"{meeting.date:%-d %B %Y}."
    )
    if decision.ratified_at:
        considered += f" The decision was confirmed on {decision.ratified_at:%-d %B %Y}."
    title = f"Decision letter: {decision.outcome_label}"
    if decision.version > 1:
        title += f" (updated, version {decision.version})"
    next_steps = str(outcome.get("next_steps") or "").strip()
    return LetterDetails(
        title=title,
        heading=f"Our decision: {decision.outcome_label}",
        considered=considered,
        agreed=_agreed(decision),
        advice_needed=decision.advice_needed,
        next_steps=(next_steps,) if next_steps else (),
        appeal_rights=decision.appeal_rights,
        replaces_earlier=decision.version > 1,
    )


def _agreed(decision: Decision) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    if decision.setting_type:
        rows.append(("Type of school or setting", decision.get_setting_type_display()))
    # s.38 / reg 13(1): the family chooses a school after the draft plan, which names none; so
    # only a placement decision (one that moves no stage) names the setting in the letter.
    if decision.named_setting and not decision.action:
        rows.append(("School or setting", decision.named_setting.name))
    if decision.funding_band:
        rows.append(("Funding band", f"Band {decision.funding_band.code}"))
    if decision.transport_eligible is not None:
        rows.append(
            (
                "Help with travel to school",
                "Eligible for travel assistance"
                if decision.transport_eligible
                else "Not eligible for travel assistance",
            )
        )
    return tuple(rows)


def minutes_create(*, meeting: Meeting, actor: User | None, context: dict[str, Any]) -> Document:
    pdf = _pdf("panels/letters/minutes.html", {**context, "council": CouncilProfile.current().name})
    document = Document(
        case=None,
        kind=Document.Kind.MINUTES,
        title=f"Minutes: {meeting}"[:200],
        content_type="application/pdf",
        size=len(pdf),
        family_visible=False,
        uploaded_by=actor,
    )
    document.file.save(f"minutes-meeting-{meeting.pk}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document
