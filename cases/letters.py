"""Decision letters: one letter template for every decision the family is told of, as PDFs on
the case.

Which letter a decision produces is the workflow's (`cases.workflow.Action.letter`); this module
only writes it. Every letter names the family it is addressed to, the caseworker and how to
reach them, the council's mediation adviser and SENDIASS (`CouncilProfile`, configured by the
council) and the actual dates by which to act, worked out by the statutory clock from the date
of the decision notice (s.51-55 and regs 32-42; HESC r.20). It is stored as a family-visible
Document so it appears in the family's tracker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from cases.models import Case, CouncilProfile, Document
from cases.postal import AddressUnusable, addressee_name, postal_address_lines
from cases.statutory import ADVICE_WEEKS, DRAFT_COMMENT_DAYS, mediation_deadlines, timeline
from ehcp_portal.accounts.models import User

# WeasyPrint logs every rendering step at INFO; set before it is first imported.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_CONTACT_CASEWORKER = "If you would like to talk about this decision, contact your caseworker."


@dataclass(frozen=True)
class LetterText:
    title: str
    decision: str
    next_steps: tuple[str, ...]
    # What the family may appeal against; empty for a decision without appeal rights.
    appeal_subject: str = ""
    # The dates still ahead that the letter gives: (timeline key, sentence with {date}).
    upcoming: tuple[tuple[str, str], ...] = ()


LETTERS: dict[str, LetterText] = {
    # s.36(8), reg 4(1): the decision to assess, within 6 weeks of the request.
    "agree_to_assess": LetterText(
        title="Decision to carry out an EHC needs assessment",
        decision="We have decided to carry out an education, health and care (EHC) needs "
        "assessment for {child}.",
        next_steps=(
            "We will ask for advice about {child} from you, {child}'s school or setting, an "
            "educational psychologist, health and social care. "
            f"Each has {ADVICE_WEEKS} weeks to send it.",
            "Your caseworker will keep you up to date, and you can follow every step online.",
            _CONTACT_CASEWORKER,
        ),
        upcoming=(
            # reg 10(1): a decision not to issue a plan within 16 weeks of the request.
            (
                "decision_not_to_issue",
                "If we decide not to issue a plan, we will tell you by {date}.",
            ),
            # reg 13(2): the final plan within 20 weeks of the request.
            ("final_plan", "If we issue a plan, the final plan will be issued by {date}."),
        ),
    ),
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
            _CONTACT_CASEWORKER,
        ),
        appeal_subject="the decision not to carry out an EHC needs assessment",
    ),
    # s.37: the decision to issue a plan; the draft follows (reg 12, 13).
    "agree_to_issue": LetterText(
        title="Decision to issue an EHC plan",
        decision="We have assessed {child}'s needs and decided to issue an education, health "
        "and care (EHC) plan.",
        next_steps=(
            "We will send you a draft of the plan. "
            f"You will have {DRAFT_COMMENT_DAYS} days to comment on it, ask "
            "for a meeting and tell us which school or setting you would like.",
            _CONTACT_CASEWORKER,
        ),
        upcoming=(
            # reg 13(2): the final plan within 20 weeks of the request.
            ("final_plan", "The final plan will be issued by {date}."),
        ),
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
            _CONTACT_CASEWORKER,
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
            _CONTACT_CASEWORKER,
        ),
        appeal_subject="the decision to cease to maintain the EHC plan",
    ),
    # A panel's decision that moves no stage (a funding band, a setting, transport).
    "panel_decision": LetterText(
        title="Our decision",
        decision="We have made a decision about {child}'s education, health and care (EHC) needs.",
        next_steps=(_CONTACT_CASEWORKER,),
        appeal_subject="this decision",
    ),
}


@dataclass(frozen=True)
class LetterDetails:
    """What the body that made a decision (a panel) adds to its letter."""

    title: str = ""  # the document's title; the letter's own title when empty
    heading: str = ""  # e.g. "Our decision: Band C funding"
    considered: str = ""  # who considered the case, and when
    agreed: tuple[tuple[str, str], ...] = ()  # what was agreed, as (label, value) rows
    advice_needed: str = ""
    next_steps: tuple[str, ...] = ()
    appeal_rights: bool | None = None  # None: the letter's own rule
    replaces_earlier: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def letter_dates(decision_on: date) -> dict[str, date]:
    """The dates every decision letter with appeal rights gives the family, from the clock."""
    return {
        # s.55, regs 33-39: contact the mediation adviser within 2 months of the decision.
        "mediation_contact_by": mediation_deadlines(decision_notice=decision_on)["contact_adviser"],
        # HESC r.20(1): appeal within 2 months of the decision notice (with r.12's extensions).
        # The appeal runs from the notice alone, so the notice date stands in for "received".
        "appeal_by": timeline(decision_on, decision_notice=decision_on)["appeal"],
    }


# The portal's statutory blocks of every letter, in their default order. A council's own wording
# (the correspondence app) places its text around them and may not leave any out: they carry the
# decision and its reasons, the statutory dates (reg 10, 13) and the rights of mediation and
# appeal with their dates (s.51-55, HESC r.20), and how to reach the council and SENDIASS.
LETTER_BLOCKS: tuple[str, ...] = ("decision", "next_steps", "rights", "contact")


@dataclass(frozen=True)
class LetterWording:
    """The council's own wording of one letter, already filled in for this case.

    `parts` is the letter's body in order: ("text", the council's paragraphs) or ("block", one
    of LETTER_BLOCKS), which the portal renders itself. `translation` is (language code,
    language name, text in that language), printed before the English letter."""

    template_id: int | None
    title: str = ""
    parts: tuple[tuple[str, str], ...] = ()
    signature: str = ""
    translation: tuple[str, str, str] | None = None


# (case, letter, values for the council's placeholders) -> the council's wording, or None for
# the portal's own. Registered by the correspondence app (a higher layer) in its ready().
WordingProvider = Callable[[Case, str, dict[str, str]], LetterWording | None]
_wording_provider: WordingProvider | None = None


def register_wording_provider(provider: WordingProvider | None) -> None:
    global _wording_provider
    _wording_provider = provider


def letter_placeholders(case: Case, decision_on: date) -> dict[str, str]:
    """The values a council's wording may name, e.g. {child}: never a statutory date, which
    only the portal's blocks give."""
    caseworker = case.caseworker
    return {
        "child": case.child.first_name,
        "child_full_name": case.child.full_name,
        "reference": case.reference,
        "council": CouncilProfile.current().name,
        "caseworker": caseworker.get_full_name() if caseworker else "your caseworker",
        "date": f"{decision_on:%-d %B %Y}",
    }


def letter_addressees(case: Case) -> list[User]:
    """The family members the letter is addressed to (read through the ORM: families is a
    higher layer)."""
    return list(User.objects.filter(memberships__child_id=case.child_id).order_by("pk"))


@dataclass(frozen=True)
class PostalBlock:
    """What a letter prints in the envelope window (`cases.postal`), and why it cannot be
    posted ("" when it can)."""

    lines: tuple[str, ...]
    problem: str = ""


def case_postal_name(case: Case) -> str:
    """Who a letter is addressed to when no family member has an account: the parent or carer
    named on a paper or phone request (read through the ORM: families is a higher layer), or
    the parent or carer of the child."""
    if case.pk is not None:
        answers = (
            Case.objects.filter(pk=case.pk).values_list("request__answers", flat=True).first()
        ) or {}
        name = str((answers.get("parents") or {}).get("your_name") or "").strip()
        if name:
            return name
    return f"The parent or carer of {case.child.full_name}"


def letter_postal_block(case: Case, addressees: list[User] | None = None) -> PostalBlock:
    """The addressees' names (or the paper applicant's) and the child's postal address, the one
    address the council holds for the family (`families.Child`)."""
    if addressees is None:
        addressees = letter_addressees(case)
    names = [person.get_full_name() for person in addressees]
    name = addressee_name(names, fallback="" if names else case_postal_name(case))
    child = case.child
    try:
        lines = postal_address_lines(name=name, address=child.address, postcode=child.postcode)
    except AddressUnusable as problem:
        return PostalBlock(lines=(name,), problem=str(problem))
    return PostalBlock(lines=lines)


def _upcoming(case: Case, text: LetterText, decision_on: date) -> list[str]:
    if not text.upcoming:
        return []
    dates = timeline(case.received_on)
    return [
        sentence.format(date=f"{dates[key]:%-d %B %Y}")
        for key, sentence in text.upcoming
        if key in dates and dates[key] >= decision_on
    ]


def _letter_parts(wording: LetterWording | None) -> list[tuple[str, str]]:
    """The council's parts in its order, with any statutory block it lacks added at the end:
    the admin refuses such a template, and the portal never relies on that alone."""
    parts = [
        (kind, value)
        for kind, value in (wording.parts if wording else ())
        if kind == "text" or value in LETTER_BLOCKS
    ]
    placed = {value for kind, value in parts if kind == "block"}
    return parts + [("block", b) for b in LETTER_BLOCKS if b not in placed]


def decision_letter_context(
    *,
    case: Case,
    letter: str,
    decision_on: date,
    reasons: str,
    details: LetterDetails | None = None,
    wording: LetterWording | None = None,
) -> dict[str, Any]:
    """`wording`: the council's wording to use (a preview); the registered provider's when None."""
    text = LETTERS[letter]
    details = details or LetterDetails()
    child = case.child.first_name
    appeal = bool(text.appeal_subject) if details.appeal_rights is None else details.appeal_rights
    steps = [s.format(child=child) for s in text.next_steps]
    addressees = letter_addressees(case) if case.pk is not None else []
    if wording is None and _wording_provider is not None:
        wording = _wording_provider(case, letter, letter_placeholders(case, decision_on))
    return {
        "wording": wording,
        "parts": _letter_parts(wording),
        "case": case,
        "child": case.child,
        "council": CouncilProfile.current(),
        "addressees": addressees,
        "postal": letter_postal_block(case, addressees),
        "letter_date": decision_on,
        "caseworker": case.caseworker,
        "site_url": settings.SITE_URL,
        "title": details.heading or (wording.title if wording and wording.title else text.title),
        "decision": text.decision.format(child=child),
        "details": details,
        "next_steps": [*details.next_steps, *steps],
        "upcoming": _upcoming(case, text, decision_on),
        "appeal_subject": text.appeal_subject or "this decision",
        "reasons": reasons,
        "decision_on": decision_on,
        "appeal_rights": appeal,
        **letter_dates(decision_on),
    }


def decision_letter_html(**kwargs: Any) -> str:
    return render_to_string("cases/letters/decision.html", decision_letter_context(**kwargs))


def decision_letter_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1) in the letter's language, so a screen reader reads it in order."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def decision_letter_title(letter: str, decision_on: date, details: LetterDetails | None) -> str:
    title = (details.title if details and details.title else "") or LETTERS[letter].title
    return f"{title} ({decision_on:%-d %B %Y})"[:200]


def decision_letter_create(
    *,
    case: Case,
    letter: str,
    decision_on: date,
    reasons: str,
    actor: User | None = None,
    details: LetterDetails | None = None,
    name: str = "",
) -> IssuedLetter:
    """Render the letter and store it as a family-visible document on the case. Called by the
    workflow (`cases.workflow.case_letter_make`), never directly by a caller of a decision."""
    context = decision_letter_context(
        case=case, letter=letter, decision_on=decision_on, reasons=reasons, details=details
    )
    pdf = decision_letter_pdf(render_to_string("cases/letters/decision.html", context))
    document = Document(
        case=case,
        kind=Document.Kind.LETTER,
        title=decision_letter_title(letter, decision_on, details),
        content_type="application/pdf",
        size=len(pdf),
        family_visible=True,
        uploaded_by=actor,
    )
    filename = name or f"{case.reference}-{letter}-{decision_on:%Y%m%d}"
    document.file.save(f"{filename}.pdf", ContentFile(pdf), save=False)
    document.save()
    wording = context["wording"]
    return IssuedLetter(document=document, template_id=wording.template_id if wording else None)


@dataclass(frozen=True)
class IssuedLetter:
    document: Document
    template_id: int | None  # the council's wording (its version) the letter used, if any
