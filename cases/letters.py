"""Decision letters: "not assessing", "not issuing" and "ceasing", as PDFs on the case.

The letter states the decision, the reasons, what happens next and the family's rights to
mediation and appeal with the actual last dates (s.51-55 and regs 32-42; HESC r.20), worked out by
the statutory clock from the date of the decision notice. It is stored as a family-visible
Document so it appears in the family's tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from cases.models import Case, Document
from cases.statutory import mediation_deadlines, timeline

if TYPE_CHECKING:
    from cases.workflow import Action


@dataclass(frozen=True)
class LetterText:
    title: str
    decision: str
    next_steps: tuple[str, ...]
    appeal_subject: str


LETTERS: dict[str, LetterText] = {
    # s.36(8), reg 5(1): notice of a decision not to assess, with rights of appeal.
    "refuse_to_assess": LetterText(
        title="Decision not to carry out an EHC needs assessment",
        decision="We have decided not to carry out an education, health and care (EHC) needs "
        "assessment for {child}.",
        next_steps=(
            "{child}'s school or setting should keep meeting their needs through SEN support, "
            "using its own resources and any advice from specialists.",
            "You can ask us for a needs assessment again if things change, for example if "
            "{child} makes less progress than expected despite the support.",
            "If you would like to talk about this decision, contact your caseworker.",
        ),
        appeal_subject="the decision not to carry out an EHC needs assessment",
    ),
    # reg 10(1): notice of a decision not to issue a plan, within 16 weeks of the request.
    "refuse_to_issue": LetterText(
        title="Decision not to issue an EHC plan",
        decision="We have assessed {child}'s needs and decided not to issue an education, health "
        "and care (EHC) plan.",
        next_steps=(
            "We will send you and {child}'s school or setting the advice gathered during the "
            "assessment, so it can be used to plan support.",
            "{child}'s school or setting should meet their needs through SEN support.",
            "If you would like to talk about this decision, contact your caseworker.",
        ),
        appeal_subject="the decision not to issue an EHC plan",
    ),
    # s.45, regs 30-31: notice of a decision to cease to maintain the plan.
    "cease": LetterText(
        title="Decision to cease to maintain the EHC plan",
        decision="We have decided to cease to maintain {child}'s education, health and care "
        "(EHC) plan.",
        next_steps=(
            "If you appeal, we will keep the plan in place until the appeal is decided "
            "(Children and Families Act 2014, s.45(4)).",
            "If you do not appeal, the plan will end after the last day to appeal.",
            "If you would like to talk about this decision, contact your caseworker.",
        ),
        appeal_subject="the decision to cease to maintain the EHC plan",
    ),
}


def letter_dates(decision_on: date) -> dict[str, date]:
    """The dates every decision letter with appeal rights gives the family (case-core, panel
    and ceasing letters alike), from the statutory clock."""
    return {
        # s.55, regs 33-39: contact the mediation adviser within 2 months of the decision.
        "mediation_contact_by": mediation_deadlines(decision_notice=decision_on)["contact_adviser"],
        # HESC r.20(1): appeal within 2 months of the decision notice (with r.12's extensions).
        # The appeal runs from the notice alone, so the notice date stands in for "received".
        "appeal_by": timeline(decision_on, decision_notice=decision_on)["appeal"],
    }


def decision_letter_html(*, case: Case, action: str, decision_on: date, reasons: str) -> str:
    text = LETTERS[action]
    child = case.child.first_name
    context = {
        "case": case,
        "council_name": settings.COUNCIL_NAME,
        "title": text.title,
        "decision": text.decision.format(child=child),
        "next_steps": [s.format(child=child) for s in text.next_steps],
        "appeal_subject": text.appeal_subject,
        "reasons": reasons,
        "decision_on": decision_on,
        **letter_dates(decision_on),
    }
    return render_to_string("cases/letters/decision.html", context)


def decision_letter_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()


def decision_letter_create(
    *, case: Case, action: str, decision_on: date, reasons: str, actor: Any = None
) -> Document:
    """Render the letter, store it as a family-visible document on the case."""
    html = decision_letter_html(case=case, action=action, decision_on=decision_on, reasons=reasons)
    pdf = decision_letter_pdf(html)
    document = Document(
        case=case,
        kind=Document.Kind.LETTER,
        title=f"{LETTERS[action].title} ({decision_on:%-d %B %Y})",
        content_type="application/pdf",
        size=len(pdf),
        family_visible=True,
        uploaded_by=actor,
    )
    document.file.save(f"{case.reference}-{action}-{decision_on:%Y%m%d}.pdf", ContentFile(pdf))
    return document


def decision_letter_after_transition(
    case: Case, action: Action, actor: Any, payload: dict[str, Any]
) -> None:
    """Workflow hook: a decision with appeal rights gets its letter in the same transaction."""
    if action.name not in LETTERS or payload.get("source") in ("panel", "plans"):
        return  # panels and the annual review send their own letter for their decisions
    decision_letter_create(
        case=case,
        action=action.name,
        decision_on=date.fromisoformat(payload["on"]),
        reasons=payload.get("reasons", ""),
        actor=actor,
    )
