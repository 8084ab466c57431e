"""Drafting the plan: starting it, changing section text and items, and the checks a draft
must pass before it goes to the family."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Lower
from django.utils import timezone

from cases.models import Case, Setting
from cases.plans.models import Plan, PlanVersion
from cases.plans.prefill import (
    advice_for_plan,
    plan_prefill_from_advice,
    plan_sections_from_request,
)
from cases.plans.sections import (
    BY_KEY,
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    SECTION_KEYS,
    validate_sections,
)
from cases.plans.versions import (
    PlanConflict,
    PlanError,
    clean_text,
    next_item_id,
    plan_editable_check,
    plan_latest_version,
    plan_lock,
    plan_version_save,
)
from cases.services import case_event_record

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def setting_named_in(text: str) -> Setting | None:
    """A school from the directory whose name appears in `text` (case-insensitive)."""
    if not text.strip():
        return None
    return (
        Setting.objects.annotate(haystack=Value(text.lower()), lname=Lower("name"))
        .filter(haystack__contains=F("lname"))
        .first()
    )


def plan_check_no_school_named(sections: dict[str, Any]) -> None:
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


@transaction.atomic
def plan_create(*, case: Case, actor: User | None) -> Plan:
    """Start the plan, prefilled from the request (child, SEN2 needs) and advice received."""
    plan, created = Plan.objects.select_for_update().get_or_create(case=case)
    if created:
        plan_version_save(
            plan=plan,
            sections=plan_sections_from_request(case),
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
def plan_section_update(
    *,
    plan: Plan,
    key: str,
    text: str,
    actor: User,
    based_on: int | None = None,
    reason: str = "",
) -> PlanVersion:
    """Change a section's text. `based_on` is the version the person was editing: if someone
    else changed this section since, nothing is saved and PlanConflict says what they wrote.
    A repeated submission (double click, retry) of text already saved saves nothing new."""
    plan = plan_lock(plan)
    plan_editable_check(plan)
    if key not in SECTION_KEYS:
        raise PlanError("There is no such section.")
    latest = plan_latest_version(plan)
    text = clean_text(text)
    if latest.sections[key]["text"] == text:
        return latest
    if based_on is not None and based_on != latest.number:
        plan_conflict_check(plan=plan, key=key, based_on=based_on, latest=latest)
    sections = copy.deepcopy(latest.sections)
    sections[key]["text"] = text
    if key == "I":
        plan_check_no_school_named(sections)
    return plan_version_save(
        plan=plan,
        sections=sections,
        change=f"Section {key} text changed",
        actor=actor,
        reason=reason,
    )


def plan_conflict_check(*, plan: Plan, key: str, based_on: int, latest: PlanVersion) -> None:
    """Refuse to overwrite a section someone else changed after `based_on` (changes to other
    sections meanwhile are kept: the text is applied to the newest version)."""
    base = plan.versions.filter(number=based_on).first()
    if base is not None and base.sections.get(key, {}).get("text") == latest.sections[key]["text"]:
        return
    changed = (
        plan.versions.filter(number__gt=based_on, change=f"Section {key} text changed")
        .select_related("created_by")
        .order_by("-number")
        .first()
    ) or latest
    who = changed.created_by.get_full_name() if changed.created_by else "Someone"
    raise PlanConflict(
        f"{who} changed section {key} at {timezone.localtime(changed.created_at):%H:%M} "
        f"(version {latest.number}) while you were editing it. Your text has not been saved: "
        "it is still in the box. Compare it with theirs, then save again.",
        theirs=latest,
        key=key,
    )


@transaction.atomic
def plan_item_add(
    *,
    plan: Plan,
    key: str,
    text: str,
    actor: User,
    need: str = "",
    outcome: str = "",
    reason: str = "",
) -> PlanVersion:
    """Add a need, outcome or provision item; provision must serve a need and an outcome."""
    plan = plan_lock(plan)
    plan_editable_check(plan)
    section = BY_KEY.get(key)
    if section is None or section.kind == "text":
        raise PlanError("Items can only be added to sections B to H2.")
    text = clean_text(text)
    if not text:
        raise PlanError("Enter the text of the item.")
    latest = plan_latest_version(plan)
    sections = copy.deepcopy(latest.sections)
    item: dict[str, str] = {"id": next_item_id(sections, key), "text": text}
    if section.kind in ("outcome", "provision"):
        item["need"] = need
    if section.kind == "provision":
        item["outcome"] = outcome
    if _same_item_just_added(latest, key, item, actor):
        return latest  # a repeated submission (double click, retry) adds the item once
    sections[key]["items"].append(item)
    problems = validate_sections(sections)
    if problems:
        raise PlanError(problems[0])
    return plan_version_save(
        plan=plan, sections=sections, change=f"{item['id']} added", actor=actor, reason=reason
    )


def _same_item_just_added(latest: PlanVersion, key: str, item: dict[str, str], actor: User) -> bool:
    items = latest.sections[key]["items"]
    if not items or latest.created_by_id != actor.pk or not latest.change.endswith(" added"):
        return False
    last = items[-1]
    return all(last.get(field) == value for field, value in item.items() if field != "id")


@transaction.atomic
def plan_item_remove(*, plan: Plan, key: str, item_id: str, actor: User) -> PlanVersion:
    plan = plan_lock(plan)
    plan_editable_check(plan)
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
    return plan_version_save(plan=plan, sections=sections, change=f"{item_id} removed", actor=actor)


def plan_readiness_problems(sections: dict[str, Any]) -> list[str]:
    """What a plan still lacks before it can go to the family (reg 12(1): sections A to K)."""
    problems = validate_sections(sections)
    if not (sections["A"].get("text") or "").strip():
        problems.append("Section A must set out the views of the child and their family.")
    if not any(sections[k]["items"] for k in NEED_SECTIONS):
        problems.append("Section B, C or D must describe at least one need.")
    if not sections["E"]["items"]:
        problems.append("Section E must have at least one outcome.")
    if not any(sections[k]["items"] for k in PROVISION_SECTIONS):
        problems.append("Section F, G, H1 or H2 must set out provision.")
    return problems
