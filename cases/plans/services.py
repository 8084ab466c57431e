"""Writes on the EHC plan. Every change makes a new PlanVersion (who and when) and the
statutory steps go through `case_transition`, so the clock and the timeline see them."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Document, SenNeed, Setting
from cases.plans.models import Consultation, FamilyResponse, Plan, PlanComment, PlanVersion
from cases.plans.sections import (
    BY_KEY,
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    SECTION_KEYS,
    empty_sections,
    validate_sections,
)
from cases.services import case_event_record
from cases.statutory import timeline
from cases.workflow import TransitionRefused, case_transition

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


class PlanError(Exception):
    """A change to the plan that is not allowed; `message` says why in plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_text(value: str) -> str:
    # PostgreSQL refuses NUL bytes in text.
    return (value or "").replace("\x00", "").strip()


def plan_latest_version(plan: Plan) -> PlanVersion:
    return plan.versions.order_by("-number").first()  # type: ignore[return-value]


def _save_version(
    *, plan: Plan, sections: dict[str, Any], change: str, actor: User | None
) -> PlanVersion:
    latest = plan.versions.select_for_update().order_by("-number").first()
    number = (latest.number + 1) if latest else 1
    return PlanVersion.objects.create(
        plan=plan, number=number, sections=sections, change=change[:200], created_by=actor
    )


def _editable(plan: Plan) -> None:
    if plan.status == Plan.Status.CEASED:
        raise PlanError("The plan has ceased.")
    if plan.status == Plan.Status.FINAL and not plan_amendment_open(plan):
        raise PlanError("The final plan has been issued: change it through an annual review.")


def plan_amendment_open(plan: Plan) -> bool:
    # reg 22: amendments are proposed once the review meeting is set (they go out with the
    # decision) and may change after the family's comments until the amended plan issues.
    return plan.reviews.filter(
        Q(decision="", meeting_on__isnull=False)
        | Q(decision="amend", amended_issued_on__isnull=True)
    ).exists()


def amendment_comments_open(plan: Plan, on: date | None = None) -> Any:
    """The review whose proposed amendments the family may comment on today, if any."""
    on = on or timezone.localdate()
    review = (
        plan.reviews.filter(decision="amend", amended_issued_on__isnull=True)
        .exclude(amendments_sent_on__isnull=True)
        .first()
    )
    # reg 22(2): at least 15 days beginning with the day the amendments were sent.
    if (
        review
        and review.amendments_sent_on
        and on <= review.amendments_sent_on + timedelta(days=14)
    ):
        return review
    return None


def setting_named_in(text: str) -> Setting | None:
    """A school from the directory whose name appears in `text` (case-insensitive)."""
    if not text.strip():
        return None
    return (
        Setting.objects.annotate(haystack=Value(text.lower()), lname=Lower("name"))
        .filter(haystack__contains=F("lname"))
        .first()
    )


def _check_no_school_named(sections: dict[str, Any]) -> None:
    # s.38(5) and reg 13: the draft plan must not name a school or setting in section I; the
    # family first has the chance to ask for one.
    section_i = sections.get("I", {})
    named = setting_named_in(
        " ".join([section_i.get("text", "")] + [i["text"] for i in section_i.get("items", [])])
    )
    if named is not None:
        raise PlanError(
            f"Section I names {named.name}. A draft plan must not name a school or setting: "
            "describe the type of setting instead."
        )


def _prefilled_sections(case: Case) -> dict[str, Any]:
    child = case.child
    sections = empty_sections()
    about = [
        f"{child.full_name}, born {child.date_of_birth:%-d %B %Y}.",
    ]
    if child.year_group:
        about.append(f"Year group: {child.year_group}.")
    if child.home_language:
        about.append(f"Home language: {child.home_language}.")
    sections["A"]["text"] = " ".join(about)
    labels = dict(SenNeed.choices)
    for n, code in enumerate(case.needs or [], start=1):
        sections["B"]["items"].append(
            {"id": f"B{n}", "text": f"{labels.get(code, code)} ({code})", "code": code}
        )
    # Advice documents that came with an advice request are listed with that advice (by
    # plan_prefill_from_advice); only files added to the case some other way are listed here.
    from cases.advice.models import AdviceRequest

    attached = AdviceRequest.attachments.through.objects.filter(advicerequest__case=case).values(
        "document_id"
    )
    advice = (
        case.documents.filter(kind=Document.Kind.ADVICE)
        .exclude(pk__in=attached)
        .order_by("created_at")
    )
    sections["K"]["text"] = "\n".join(
        f"{doc.title}, received {timezone.localdate(doc.created_at):%-d %B %Y}" for doc in advice
    )
    return sections


def _lines(text: str) -> list[str]:
    """One plan item per line of the adviser's text, without list bullets."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-*•").strip()
        if line:
            lines.append(line)
    return lines


def advice_for_plan(case: Case) -> list[dict[str, Any]]:
    """The advice received on a case in the shape `plan_prefill_from_advice` takes."""
    from cases.advice.selectors import advice_received_for_plan

    advice = []
    for r in advice_received_for_plan(case):
        needs = _lines(r.needs)
        outcomes = _lines(r.outcomes) if needs else []
        advice.append(
            {
                "request": str(r.public_id),
                "source": r.get_source_display().split(" (")[0],
                "given_by": str(r.responded_by or r.addressed_to),
                "needs": needs,
                "outcomes": outcomes,
                "provision": _lines(r.provision) if outcomes else [],
                "received_on": r.responded_on,
                "attachments": [d.title for d in r.attachments.all()],
            }
        )
    return advice


def advice_not_in_plan(plan: Plan, version: PlanVersion | None = None) -> list[dict[str, Any]]:
    """Advice received that no version of the plan has brought in yet."""
    version = version or plan_latest_version(plan)
    used = set(version.sections.get("K", {}).get("advice", []))
    return [a for a in advice_for_plan(plan.case) if a["request"] not in used]


@transaction.atomic
def plan_create(*, case: Case, actor: User | None) -> Plan:
    """Start the plan, prefilled from the request (child, SEN2 needs) and advice received."""
    plan, created = Plan.objects.select_for_update().get_or_create(case=case)
    if created:
        _save_version(
            plan=plan,
            sections=_prefilled_sections(case),
            change="Plan started from the request",
            actor=actor,
        )
        advice = advice_for_plan(case)
        if advice:
            # reg 12(1)(k) / CoP 9.61: the plan draws on, and lists, the advice received.
            plan_prefill_from_advice(plan=plan, advice=advice, actor=actor)
        case_event_record(
            case=case, kind="plan_started", summary="Drafting of the plan started", actor=actor
        )
    return plan


@transaction.atomic
def plan_bring_in_advice(*, plan: Plan, actor: User | None) -> PlanVersion | None:
    """Add advice received since the plan was started, as a new version (None if nothing new).

    A caseworker's action rather than automatic: a new version of a draft the family is
    already reading would change what they are commenting on without anyone deciding it.
    """
    _editable(plan)
    new = advice_not_in_plan(plan)
    if not new:
        return None
    return plan_prefill_from_advice(plan=plan, advice=new, actor=actor)


def _next_id(sections: dict[str, Any], key: str) -> str:
    used = {item["id"] for item in sections[key]["items"]}
    n = len(used) + 1
    while f"{key}{n}" in used:
        n += 1
    return f"{key}{n}"


def _section_for_source(source: str, kind: str) -> str:
    s = source.lower()
    if any(word in s for word in ("health", "medical", "nhs", "therap")):
        return "C" if kind == "need" else "G"
    if "social" in s:
        return "D" if kind == "need" else "H2"
    return "B" if kind == "need" else "F"


@transaction.atomic
def plan_prefill_from_advice(
    *, plan: Plan, advice: list[dict[str, Any]], actor: User | None = None
) -> PlanVersion:
    """Add the needs, outcomes and provision advisers gave (reg 6 advice) as linked items.

    Each dict: {source, needs: [str], outcomes: [str], provision: [str], received_on: date},
    optionally request (the advice request's public id, so it is brought in only once),
    given_by (named in section K) and attachments (their titles, listed in section K).
    Outcomes are linked to the adviser's first need, provision to their first need and outcome.
    """
    _editable(plan)
    sections = copy.deepcopy(plan_latest_version(plan).sections)
    k_lines = [line for line in sections["K"]["text"].splitlines() if line]
    used = list(sections["K"].get("advice", []))
    for adv in advice:
        source = clean_text(str(adv.get("source", "")))
        if not source:
            raise PlanError("Each piece of advice must say who gave it.")
        if adv.get("request") and adv["request"] in used:
            continue
        need_key = _section_for_source(source, "need")
        provision_key = _section_for_source(source, "provision")
        first_need = first_outcome = None
        for text in adv.get("needs", []):
            item = {"id": _next_id(sections, need_key), "text": clean_text(text), "source": source}
            sections[need_key]["items"].append(item)
            first_need = first_need or item["id"]
        for text in adv.get("outcomes", []):
            if first_need is None:
                raise PlanError(f"Advice from {source} gives outcomes but no needs.")
            item = {"id": _next_id(sections, "E"), "text": clean_text(text), "need": first_need}
            sections["E"]["items"].append(item)
            first_outcome = first_outcome or item["id"]
        for text in adv.get("provision", []):
            if first_need is None or first_outcome is None:
                raise PlanError(f"Advice from {source} gives provision but no need and outcome.")
            sections[provision_key]["items"].append(
                {
                    "id": _next_id(sections, provision_key),
                    "text": clean_text(text),
                    "need": first_need,
                    "outcome": first_outcome,
                }
            )
        received = adv.get("received_on")
        given_by = clean_text(str(adv.get("given_by", "")))
        line = (
            f"Advice from {source}"
            + (f" ({given_by})" if given_by else "")
            + (f", received {received:%-d %B %Y}" if isinstance(received, date) else "")
        )
        if adv.get("attachments"):
            line += "; attached: " + ", ".join(clean_text(t) for t in adv["attachments"])
        if line not in k_lines:
            k_lines.append(line)
        if adv.get("request"):
            used.append(adv["request"])
    sections["K"]["text"] = "\n".join(k_lines)
    if used:
        sections["K"]["advice"] = used
    return _save_version(
        plan=plan,
        sections=sections,
        change="Needs, outcomes and provision added from advice",
        actor=actor,
    )


@transaction.atomic
def plan_section_update(*, plan: Plan, key: str, text: str, actor: User) -> PlanVersion:
    _editable(plan)
    if key not in SECTION_KEYS:
        raise PlanError("There is no such section.")
    sections = copy.deepcopy(plan_latest_version(plan).sections)
    sections[key]["text"] = clean_text(text)
    if key == "I":
        _check_no_school_named(sections)
    return _save_version(
        plan=plan, sections=sections, change=f"Section {key} text changed", actor=actor
    )


@transaction.atomic
def plan_item_add(
    *, plan: Plan, key: str, text: str, actor: User, need: str = "", outcome: str = ""
) -> PlanVersion:
    """Add a need, outcome or provision item; provision must serve a need and an outcome."""
    _editable(plan)
    section = BY_KEY.get(key)
    if section is None or section.kind == "text":
        raise PlanError("Items can only be added to sections B to H2.")
    text = clean_text(text)
    if not text:
        raise PlanError("Enter the text of the item.")
    sections = copy.deepcopy(plan_latest_version(plan).sections)
    item: dict[str, str] = {"id": _next_id(sections, key), "text": text}
    if section.kind in ("outcome", "provision"):
        item["need"] = need
    if section.kind == "provision":
        item["outcome"] = outcome
    sections[key]["items"].append(item)
    problems = validate_sections(sections)
    if problems:
        raise PlanError(problems[0])
    return _save_version(plan=plan, sections=sections, change=f"{item['id']} added", actor=actor)


@transaction.atomic
def plan_item_remove(*, plan: Plan, key: str, item_id: str, actor: User) -> PlanVersion:
    _editable(plan)
    if key not in SECTION_KEYS:
        raise PlanError("There is no such section.")
    sections = copy.deepcopy(plan_latest_version(plan).sections)
    before = len(sections[key]["items"])
    sections[key]["items"] = [i for i in sections[key]["items"] if i["id"] != item_id]
    if len(sections[key]["items"]) == before:
        raise PlanError("That item is not in the section.")
    if validate_sections(sections):
        raise PlanError(
            f"{item_id} is linked from an outcome or provision: remove or relink those first."
        )
    return _save_version(plan=plan, sections=sections, change=f"{item_id} removed", actor=actor)


def plan_readiness_problems(sections: dict[str, Any]) -> list[str]:
    problems = validate_sections(sections)
    if not any(sections[k]["items"] for k in NEED_SECTIONS):
        problems.append("Section B, C or D must describe at least one need.")
    if not sections["E"]["items"]:
        problems.append("Section E must have at least one outcome.")
    if not any(sections[k]["items"] for k in PROVISION_SECTIONS):
        problems.append("Section F, G, H1 or H2 must set out provision.")
    return problems


@transaction.atomic
def plan_issue_draft(*, plan: Plan, actor: User, on: date | None = None) -> Plan:
    """Send the draft to the family: opens their 15 days (reg 13(1))."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("case").get(pk=plan.pk)
    version = plan_latest_version(plan)
    problems = plan_readiness_problems(version.sections)
    if problems:
        raise PlanError(problems[0])
    _check_no_school_named(version.sections)
    try:
        case_transition(
            case=plan.case,
            action="issue_draft",
            actor=actor,
            on=on,
            data={"plan_version": version.number},
        )
    except TransitionRefused as refused:
        raise PlanError(refused.reason) from refused
    plan.status = Plan.Status.DRAFT_ISSUED
    plan.draft_version = version.number
    plan.save(update_fields=["status", "draft_version"])
    plan.case.refresh_from_db()
    case = plan.case
    last_day = timeline(case.received_on, draft_issued=case.draft_issued_on)["draft_comments"]
    _notify_family(
        plan=plan,
        purpose="draft_plan",
        subject="Your child's draft EHC plan is ready to read",
        body=(
            f"Please read the draft plan. You can comment on it, ask for a meeting and tell us "
            f"which school or setting you would like until {last_day:%-d %B %Y}."
        ),
    )
    return plan


def _notify_family(*, plan: Plan, purpose: str, subject: str, body: str) -> None:
    from families.models import FamilyMembership
    from notifications.services import notification_queue

    members = FamilyMembership.objects.filter(child_id=plan.case.child_id).select_related("user")
    for membership in members:
        notification_queue(
            recipient=membership.user,
            purpose=purpose,
            event_key=f"plan:{plan.pk}:{purpose}:{timezone.localdate().isoformat()}",
            subject=subject,
            body=body,
            link=reverse("cases:plan_family", args=[plan.case.reference]),
            statutory=True,
            case=plan.case,
        )


def _require_draft_open(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise PlanError("The draft plan is not open for comments.")


@transaction.atomic
def plan_comment_add(*, plan: Plan, section: str, body: str, author: User) -> PlanComment:
    amending = amendment_comments_open(plan) if plan.status == Plan.Status.FINAL else None
    if amending is None:
        _require_draft_open(plan)
    body = clean_text(body)
    if section not in SECTION_KEYS:
        raise PlanError("Choose the section your comment is about.")
    if not body:
        raise PlanError("Enter your comment.")
    version = amending.proposed_version if amending else plan.draft_version
    comment = PlanComment.objects.create(
        plan=plan, version=version or 0, section=section, body=body, author=author
    )
    case_event_record(
        case=plan.case,
        kind="plan_comment",
        summary=(
            f"You commented on section {section} of the "
            + ("proposed amendments" if amending else "draft plan")
        ),
        actor=author,
        family_visible=True,
    )
    return comment


@transaction.atomic
def plan_family_respond(
    *,
    plan: Plan,
    actor: User,
    preferred_setting: Setting | None,
    preference_reasons: str = "",
    wants_meeting: bool = False,
    share_with_setting: bool = False,
    on: date | None = None,
) -> FamilyResponse:
    """The family's response to the draft: ends their window early (reg 13(1), s.38(2)).

    `share_with_setting` records the family's consent to share the plan with the setting they
    asked for; without it, that setting sees the plan only if it is consulted (seed 000 rec 5).
    """
    from families.models import Consent

    _require_draft_open(plan)
    on = on or timezone.localdate()
    if share_with_setting and preferred_setting is not None:
        already = Consent.objects.filter(
            child_id=plan.case.child_id,
            party=Consent.Party.SETTING,
            setting=preferred_setting,
            revoked_at__isnull=True,
        ).exists()
        if not already:
            Consent.objects.create(
                child_id=plan.case.child_id,
                party=Consent.Party.SETTING,
                setting=preferred_setting,
                detail="The EHC plan, given with the response to the draft plan",
                given_by=actor,
            )
    response = FamilyResponse.objects.create(
        plan=plan,
        version=plan.draft_version or 0,
        preferred_setting=preferred_setting,
        preference_reasons=clean_text(preference_reasons),
        wants_meeting=wants_meeting,
        submitted_by=actor,
        submitted_on=on,
    )
    try:
        case_transition(
            case=plan.case,
            action="record_family_response",
            actor=actor,
            on=on,
            data={
                "preferred_setting": preferred_setting.name if preferred_setting else "",
                "wants_meeting": wants_meeting,
            },
        )
    except TransitionRefused as refused:
        raise PlanError(refused.reason) from refused
    return response


@transaction.atomic
def consultation_send(
    *, plan: Plan, settings: list[Setting], actor: User, on: date | None = None
) -> list[Consultation]:
    """Consult settings about being named (s.39(2), s.40(2)); answers due in 15 days (CoP 9.83)."""
    from notifications.services import notification_queue

    plan = Plan.objects.select_for_update(of=("self",)).select_related("case").get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise PlanError("Settings are consulted once the draft plan has been sent to the family.")
    if not settings:
        raise PlanError("Choose at least one setting to consult.")
    on = on or timezone.localdate()
    case = plan.case
    if case.consultation_sent_on is None:
        try:
            case = case_transition(
                case=case,
                action="start_consultation",
                actor=actor,
                on=on,
                data={"settings": [s.name for s in settings]},
            )
        except TransitionRefused as refused:
            raise PlanError(refused.reason) from refused
    due = timeline(case.received_on, consultation_sent=on)["consultation_response"]
    already = set(
        plan.consultations.filter(closed_on__isnull=True).values_list("setting_id", flat=True)
    )
    created = []
    for setting in settings:
        if setting.pk in already:
            continue
        consultation = Consultation.objects.create(
            plan=plan, setting=setting, sent_on=on, sent_by=actor, response_due=due
        )
        created.append(consultation)
        case_event_record(
            case=case,
            kind="consultation_sent",
            summary=f"{setting.name} consulted about being named in the plan",
            actor=actor,
            data={"setting": setting.urn, "response_due": due.isoformat()},
        )
        link = reverse("cases:consultation_respond", args=[consultation.public_id])
        for staff in setting.staff.filter(is_active=True):
            notification_queue(
                recipient=staff,
                purpose="consultation",
                event_key=f"consultation:{consultation.public_id}",
                subject="Consultation about naming your setting in an EHC plan",
                body=(
                    f"Please tell us by {due:%-d %B %Y} whether {setting.name} can meet the "
                    "child's needs set out in the draft plan."
                ),
                link=link,
                statutory=True,
                case=case,
            )
    return created


@transaction.atomic
def consultation_respond(
    *,
    consultation: Consultation,
    actor: User,
    can_meet_needs: bool,
    reasons: str,
    annual_cost: Decimal | None,
    on: date | None = None,
) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.closed_on is not None:
        raise PlanError("This consultation has closed.")
    reasons = clean_text(reasons)
    if not reasons:
        raise PlanError("Give the reasons for your answer.")
    consultation.responded_on = on or timezone.localdate()
    consultation.can_meet_needs = can_meet_needs
    consultation.reasons = reasons
    consultation.annual_cost = annual_cost
    consultation.responded_by = actor
    consultation.save()
    case_event_record(
        case=consultation.plan.case,
        kind="consultation_response",
        summary=(
            f"{consultation.setting.name} answered the consultation: "
            + ("can meet the needs" if can_meet_needs else "cannot meet the needs")
        ),
        actor=actor,
    )
    return consultation


@transaction.atomic
def plan_issue_final(
    *,
    plan: Plan,
    actor: User,
    named_setting: Setting | None,
    on: date | None = None,
) -> Plan:
    """Issue the final plan (reg 13(2)): PDF stored as a plan document for the family.

    `case_transition` refuses until the draft was issued and the family's 15 days have passed
    or they have responded (reg 13(1); seed 000 recommendation 5).
    """
    from cases.plans.pdf import plan_pdf_render

    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("case__child").get(pk=plan.pk)
    )
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise PlanError("The draft plan has not been issued to the family yet.")
    version = plan_latest_version(plan)
    problems = plan_readiness_problems(version.sections)
    if problems:
        raise PlanError(problems[0])
    on = on or timezone.localdate()
    try:
        case = case_transition(
            case=plan.case,
            action="issue_final",
            actor=actor,
            on=on,
            data={
                "plan_version": version.number,
                "named_setting": named_setting.name if named_setting else "",
            },
        )
    except TransitionRefused as refused:
        raise PlanError(refused.reason) from refused
    # Checked after the family's window (the more basic refusal); raising here rolls back.
    if named_setting is not None and not plan.consultations.filter(setting=named_setting).exists():
        # s.39(2)/s.40(2): the council consults a school or setting before naming it.
        raise PlanError(f"Consult {named_setting.name} before naming it in the plan.")
    plan.case = case
    plan.status = Plan.Status.FINAL
    plan.final_version = version.number
    plan.named_setting = named_setting
    plan.issued_on = on
    # reg 13(3): the exceptions to the 20 weeks are the case's own records, the same ones the
    # case page and the reports read, never a second free-text copy.
    exceptions = final_plan_exceptions(case)
    due = timeline(case.received_on)["final_plan"]
    plan.twenty_week_due = due
    plan.twenty_week_met = on <= due
    pdf = plan_pdf_render(plan=plan, version=version, issued_on=on)
    plan.final_document = plan_document_store(
        plan=plan, pdf=pdf, title=f"Final EHC plan, version {version.number}", actor=actor
    )
    plan.save()
    # From now only the named setting keeps access (s.43): other consultations close.
    plan.consultations.filter(closed_on__isnull=True).update(closed_on=on)
    _notify_family(
        plan=plan,
        purpose="final_plan",
        subject="Your child's final EHC plan has been issued",
        body=(
            "The final plan is ready to read and download. It explains your right to appeal "
            "and the last day to do so."
        ),
    )
    case_event_record(
        case=case,
        kind="plan_twenty_weeks",
        summary=(
            f"20-week date {due:%-d %B %Y} "
            + ("met" if plan.twenty_week_met else "missed")
            + (
                " (exception recorded: "
                + "; ".join(e.get_reason_display() for e in exceptions)
                + ")"
                if exceptions and not plan.twenty_week_met
                else ""
            )
        ),
        actor=actor,
        data={"due": due.isoformat(), "met": plan.twenty_week_met},
    )
    return plan


def plan_document_store(*, plan: Plan, pdf: bytes, title: str, actor: User | None) -> Document:
    return Document.objects.create(
        case=plan.case,
        kind=Document.Kind.PLAN,
        title=title,
        file=ContentFile(pdf, name=f"{plan.case.reference}-plan.pdf"),
        content_type="application/pdf",
        size=len(pdf),
        family_visible=True,
        uploaded_by=actor,
    )


def final_plan_exceptions(case: Case) -> list[Any]:
    """The reg 10(4) exceptions recorded against the 20-week limit (reg 13(3)) of a case."""
    from cases.casework.models import DeadlineException

    return list(
        DeadlineException.objects.filter(case=case, deadline_key="final_plan").order_by(
            "recorded_at", "id"
        )
    )


@transaction.atomic
def plan_draft_meeting_record(
    *, plan: Plan, met_on: date, with_whom: str, notes: str, actor: User
) -> Any:
    """The meeting the family asked for about the draft (CoP 9.77), on the case timeline."""
    if plan.status == Plan.Status.DRAFTING:
        raise PlanError("The draft plan has not been sent to the family yet.")
    if plan.case.draft_issued_on and met_on < plan.case.draft_issued_on:
        raise PlanError(
            f"The meeting cannot be before the draft was sent on "
            f"{plan.case.draft_issued_on:%-d %B %Y}."
        )
    with_whom = clean_text(with_whom)[:200]
    if not with_whom:
        raise PlanError("Enter who was at the meeting.")
    return case_event_record(
        case=plan.case,
        kind="draft_meeting",
        summary=f"Meeting about the draft plan on {met_on:%-d %B %Y} with {with_whom}"[:300],
        actor=actor,
        family_visible=True,
        data={"met_on": met_on.isoformat(), "with_whom": with_whom, "notes": clean_text(notes)},
    )
