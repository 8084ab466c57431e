"""What the plan is drafted from: the request (the child, SEN2 needs) and the advice received
(reg 6), brought in as linked need, outcome and provision items and listed in section K."""

from __future__ import annotations

import copy
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Document, needs_in_words
from cases.plans.models import Plan, PlanVersion
from cases.plans.sections import empty_sections
from cases.plans.versions import (
    PlanError,
    clean_text,
    next_item_id,
    plan_editable_check,
    plan_latest_version,
    plan_version_save,
)

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


# The request's questions whose answers are section A in the family's own words (CoP 9.61:
# section A records the views, interests and aspirations of the child and their parents).
SECTION_A_ANSWERS: tuple[tuple[str, str, str], ...] = (
    ("child-views", "child_views", "All about me"),
    ("parent-views", "parent_views", "Our views and hopes"),
)


def section_a_family_words(case: Case) -> list[str]:
    """The family's answers to "All about me" and "Your views and hopes" in their request, each
    under its heading, as they wrote them."""
    from families.models import RequestDraft

    answers = RequestDraft.objects.filter(case=case).values_list("answers", flat=True).first() or {}
    found = []
    for step, field, heading in SECTION_A_ANSWERS:
        text = ((answers.get(step) or {}).get(field) or "").strip()
        if text:
            found.append(f"{heading}:\n{text}")
    return found


def plan_sections_from_request(case: Case) -> dict[str, Any]:
    child = case.child
    sections = empty_sections()
    about = [
        f"{child.full_name}, born {child.date_of_birth:%-d %B %Y}.",
    ]
    if child.year_group:
        about.append(f"Year group: {child.year_group}.")
    if child.home_language:
        about.append(f"Home language: {child.home_language}.")
    sections["A"]["text"] = "\n\n".join([" ".join(about), *section_a_family_words(case)])
    codes = list(case.needs or [])
    for n, (code, words) in enumerate(zip(codes, needs_in_words(codes), strict=True), start=1):
        sections["B"]["items"].append({"id": f"B{n}", "text": words, "code": code})
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
def plan_bring_in_advice(*, plan: Plan, actor: User | None) -> PlanVersion | None:
    """Add advice received since the plan was started, as a new version (None if nothing new).

    A caseworker's action rather than automatic: a new version of a draft the family is
    already reading would change what they are commenting on without anyone deciding it.
    """
    plan_editable_check(plan)
    new = advice_not_in_plan(plan)
    if not new:
        return None
    return plan_prefill_from_advice(plan=plan, advice=new, actor=actor)


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
    plan_editable_check(plan)
    sections = copy.deepcopy(plan_latest_version(plan).sections)
    k_lines = [line for line in sections["K"]["text"].splitlines() if line]
    used = list(sections["K"].get("advice", []))
    for adv in advice:
        source = clean_text(str(adv.get("source", "")))
        if not source:
            raise PlanError("Each piece of advice must say who gave it.")
        if adv.get("request") and adv["request"] in used:
            continue
        _advice_items_add(sections, source, adv)
        line = _advice_k_line(source, adv)
        if line not in k_lines:
            k_lines.append(line)
        if adv.get("request"):
            used.append(adv["request"])
    sections["K"]["text"] = "\n".join(k_lines)
    if used:
        sections["K"]["advice"] = used
    return plan_version_save(
        plan=plan,
        sections=sections,
        change="Needs, outcomes and provision added from advice",
        actor=actor,
    )


def _advice_items_add(sections: dict[str, Any], source: str, adv: dict[str, Any]) -> None:
    """One adviser's needs, outcomes and provision as items: outcomes serve their first need,
    provision their first need and outcome (a plan cannot list provision that answers nothing)."""
    need_key = _section_for_source(source, "need")
    provision_key = _section_for_source(source, "provision")
    first_need = first_outcome = None
    for text in adv.get("needs", []):
        item = {"id": next_item_id(sections, need_key), "text": clean_text(text), "source": source}
        sections[need_key]["items"].append(item)
        first_need = first_need or item["id"]
    for text in adv.get("outcomes", []):
        if first_need is None:
            raise PlanError(f"Advice from {source} gives outcomes but no needs.")
        item = {"id": next_item_id(sections, "E"), "text": clean_text(text), "need": first_need}
        sections["E"]["items"].append(item)
        first_outcome = first_outcome or item["id"]
    for text in adv.get("provision", []):
        if first_need is None or first_outcome is None:
            raise PlanError(f"Advice from {source} gives provision but no need and outcome.")
        sections[provision_key]["items"].append(
            {
                "id": next_item_id(sections, provision_key),
                "text": clean_text(text),
                "need": first_need,
                "outcome": first_outcome,
            }
        )


def _advice_k_line(source: str, adv: dict[str, Any]) -> str:
    """Section K's line for one adviser: who, when received, and the documents attached."""
    received = adv.get("received_on")
    given_by = clean_text(str(adv.get("given_by", "")))
    line = (
        f"Advice from {source}"
        + (f" ({given_by})" if given_by else "")
        + (f", received {received:%-d %B %Y}" if isinstance(received, date) else "")
    )
    if adv.get("attachments"):
        line += "; attached: " + ", ".join(clean_text(t) for t in adv["attachments"])
    return line
