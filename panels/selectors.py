"""Reads for panels. Selectors own select_related/prefetch so pages run a fixed number of
queries whatever the size of the agenda."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, QuerySet

from panels import access as panels_access
from panels.models import AgendaItem, Decision, Declaration, Meeting, MeetingMember, PanelPaper

if TYPE_CHECKING:
    from cases.models import Case, Setting
    from ehcp_portal.accounts.models import User


def meetings_of(user: User) -> QuerySet[Meeting]:
    """The meetings a user may see, soonest first, with what the list shows."""
    return (
        panels_access.meetings_for(user, panels_access.MEETING_VIEW)
        .select_related("panel_type", "chair", "area")
        .order_by("-date", "-id")
    )


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda in order, each item with its case, paper author, declarations and decision."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case", "case__child", "paper", "paper__author")
        .prefetch_related(
            Prefetch(
                "declarations",
                queryset=Declaration.objects.select_related("member"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(is_current=True).select_related(
                    "funding_band", "named_setting", "recorded_by", "letter"
                ),
                to_attr="current_decisions",
            ),
        )
        .order_by("position", "id")
    )


def meeting_members(meeting: Meeting) -> QuerySet[MeetingMember]:
    return MeetingMember.objects.filter(meeting=meeting).select_related("user")


def agenda_candidates(meeting: Meeting) -> QuerySet[PanelPaper]:
    """Papers for this panel type whose case is at a ready stage in the meeting's area and not
    yet on any agenda, most urgent statutory deadline first."""
    return (
        PanelPaper.objects.filter(
            panel_type_id=meeting.panel_type_id,
            case__stage__in=meeting.panel_type.ready_stages,
            case__area_id=meeting.area_id,
            case__is_open=True,
            agenda_items__isnull=True,
        )
        .select_related("case", "case__child", "author")
        .order_by(F("case__next_deadline_on").asc(nulls_last=True), "case__reference")
    )


def decisions_awaiting_ratification(user: User) -> QuerySet[Decision]:
    """Decisions of non-quorate meetings still to be ratified that this user may ratify (the
    rule: panels/access.py)."""
    return (
        panels_access.decisions_ratifiable_by(user)
        .filter(is_current=True, needs_ratification=True, ratified_at__isnull=True)
        .select_related(
            "item__case", "item__case__child", "item__meeting", "item__meeting__panel_type"
        )
        .order_by("item__meeting__date", "item__position")
    )


def case_panel_named_setting(case: Case) -> Setting | None:
    """The setting named by the panel's current decision on a case (ratified where it needed
    ratifying): offered first when the final plan names a setting (cases.plans.placement)."""
    decision = (
        Decision.objects.filter(item__case_id=case.pk, is_current=True, named_setting__isnull=False)
        .exclude(needs_ratification=True, ratified_at__isnull=True)
        .select_related("named_setting")
        .order_by("-recorded_at", "-id")
        .first()
    )
    return decision.named_setting if decision else None
