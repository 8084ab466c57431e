"""Decision letters and meeting minutes as PDFs (WeasyPrint), stored as case Documents.

The letter carries the actual dates by which the family can act: the last day to contact a
mediation adviser (reg 32(2)/33: within 2 months of the decision notice) and the last day to
appeal to the First-tier Tribunal (HESC r.20(1), with r.12 applied by `cases.statutory`).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from cases.letters import letter_dates
from cases.models import Document

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


def decision_letter_dates(decision: Decision, letter_date: date) -> dict[str, date]:
    """The dates a refusal or cessation letter must give the family."""
    dates = letter_dates(letter_date)
    return {"mediation": dates["mediation_contact_by"], "appeal": dates["appeal_by"]}


def decision_letter_context(decision: Decision, letter_date: date) -> dict[str, Any]:
    item = decision.item
    case = item.case
    outcome = item.meeting.panel_type.outcome(decision.outcome) or {}
    return {
        "decision": decision,
        "case": case,
        "child": case.child,
        "meeting": item.meeting,
        "letter_date": letter_date,
        "next_steps": outcome.get("next_steps", ""),
        "dates": decision_letter_dates(decision, letter_date) if decision.appeal_rights else None,
        "council": settings.COUNCIL_NAME,
        "service": settings.SERVICE_NAME,
        "site_url": settings.SITE_URL,
    }


def decision_letter_create(
    *, decision: Decision, actor: User | None, letter_date: date
) -> Document:
    case = decision.item.case
    pdf = _pdf("panels/letters/decision.html", decision_letter_context(decision, letter_date))
    title = f"Decision letter: {decision.outcome_label}"
    if decision.version > 1:
        title += f" (updated, version {decision.version})"
    document = Document(
        case=case,
        kind=Document.Kind.LETTER,
        title=title[:200],
        content_type="application/pdf",
        size=len(pdf),
        family_visible=True,
        uploaded_by=actor,
    )
    document.file.save(
        f"decision-{case.reference}-{decision.pk}-v{decision.version}.pdf",
        ContentFile(pdf),
        save=False,
    )
    document.save()
    return document


def minutes_create(*, meeting: Meeting, actor: User | None, context: dict[str, Any]) -> Document:
    pdf = _pdf("panels/letters/minutes.html", {**context, "council": settings.COUNCIL_NAME})
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
