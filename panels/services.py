"""Writes for panels: papers, agendas, attendance, declarations, decisions, ratification, minutes.

A decision of a quorate meeting moves the case through `cases.workflow.case_transition_record`,
and the workflow produces its letter and tells the family (a decision that moves no stage goes
through `cases.workflow.case_letter_send`); the panel adds only what it agreed to the letter.
Recording the same decision again (a double click, a retry) changes nothing.

A decision of a meeting that was not quorate is recorded but "needs ratification": it moves
nothing until a team manager of the area, or the chair of a later quorate meeting of the same
panel type, ratifies it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import Case, Document, Setting
from cases.services import case_event_record
from cases.workflow import (
    ACTIONS,
    LetterSent,
    TransitionRefused,
    case_letter_send,
    case_transition_record,
)
from ehcp_portal.accounts.models import Discipline
from notifications.services import notification_queue
from panels import access as panels_access
from panels import letters
from panels.models import (
    AgendaItem,
    Decision,
    Declaration,
    FundingBand,
    Meeting,
    MeetingMember,
    PanelPaper,
    PanelType,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ehcp_portal.accounts.models import User

logger = logging.getLogger(__name__)


class PanelRefused(Exception):
    """The panel action is not allowed; `reason` says why in plain English."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def _clean(text: str) -> str:
    # PostgreSQL rejects NUL in text: strip at the boundary.
    return (text or "").replace("\x00", "").strip()


# --- meetings ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    panel_type: PanelType,
    area: Any,
    on: date,
    chair: User,
    members: Iterable[User],
    location: str = "",
    actor: User,
) -> Meeting:
    """Set up a meeting; the chair always sits on it, each member in their own discipline."""
    if on < timezone.localdate():
        raise PanelRefused("The date of the meeting must be today or in the future.", "date")
    seated = {m.pk: m for m in members}
    seated.setdefault(chair.pk, chair)
    if any(not m.discipline for m in seated.values()):
        raise PanelRefused("Every member needs a discipline on their account.", "members")
    meeting = Meeting.objects.create(
        panel_type=panel_type, area=area, date=on, chair=chair, location=_clean(location)
    )
    MeetingMember.objects.bulk_create(
        [MeetingMember(meeting=meeting, user=m, discipline=m.discipline) for m in seated.values()]
    )
    return meeting


# --- papers and agendas -----------------------------------------------------------------------


@transaction.atomic
def paper_put_forward(
    *,
    case: Case,
    panel_type: PanelType,
    summary: str,
    recommendation: str,
    evidence: Iterable[Document] = (),
    author: User,
) -> PanelPaper:
    summary, recommendation = _clean(summary), _clean(recommendation)
    if not summary:
        raise PanelRefused("Enter a summary of the case for the panel.", "summary")
    if not recommendation:
        raise PanelRefused("Enter your recommendation to the panel.", "recommendation")
    if case.stage not in panel_type.ready_stages:
        raise PanelRefused(
            f"A case at the stage '{case.get_stage_display()}' cannot go to a "
            f"{panel_type.name} panel.",
            "panel_type",
        )
    if PanelPaper.objects.filter(
        case=case, panel_type=panel_type, agenda_items__isnull=True
    ).exists():
        raise PanelRefused(
            f"This case is already waiting for a {panel_type.name} panel.", "panel_type"
        )
    evidence = list(evidence)
    if any(doc.case_id != case.pk for doc in evidence):
        raise PanelRefused("Evidence must be documents on this case.", "evidence")
    paper = PanelPaper.objects.create(
        case=case,
        panel_type=panel_type,
        summary=summary,
        recommendation=recommendation,
        author=author,
    )
    paper.evidence.set(evidence)
    case_event_record(
        case=case,
        kind="panel_paper",
        summary=f"Put forward to a {panel_type.name} panel",
        actor=author,
        data={"paper": paper.pk, "panel_type": panel_type.slug},
    )
    return paper


def _agenda_reorder(meeting: Meeting) -> None:
    # Statutory urgency: the case's next deadline first; cases without one go last.
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case")
        .order_by(F("case__next_deadline_on").asc(nulls_last=True), "case__reference")
    )
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def agenda_add(*, meeting: Meeting, papers: Iterable[PanelPaper], actor: User) -> list[AgendaItem]:
    from panels.selectors import agenda_candidates

    meeting = Meeting.objects.select_for_update().select_related("panel_type").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.DRAFT:
        raise PanelRefused("The agenda has been published: it can no longer be changed.")
    ready = {p.pk for p in agenda_candidates(meeting)}
    items = []
    for paper in papers:
        if paper.pk not in ready:
            raise PanelRefused(f"{paper.case.reference} is not ready for this panel.", "papers")
        items.append(AgendaItem.objects.create(meeting=meeting, paper=paper, case=paper.case))
    _agenda_reorder(meeting)
    return items


@transaction.atomic
def agenda_remove(*, meeting: Meeting, item: AgendaItem, actor: User) -> None:
    if meeting.status != Meeting.Status.DRAFT or item.meeting_id != meeting.pk:
        raise PanelRefused("The agenda has been published: it can no longer be changed.")
    item.delete()
    _agenda_reorder(meeting)


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.DRAFT:
        raise PanelRefused("The agenda is already published.")
    if not meeting.items.exists():
        raise PanelRefused("Add at least one case to the agenda before publishing it.")
    meeting.status = Meeting.Status.PUBLISHED
    meeting.published_at = timezone.now()
    meeting.save(update_fields=["status", "published_at"])
    link = reverse("panels:meeting", args=[meeting.pk])
    for member in meeting.members.select_related("user"):
        notification_queue(
            recipient=member.user,
            purpose="panel_papers_published",
            event_key=f"meeting-published:{meeting.pk}",
            subject=f"Papers published: {meeting}",
            body=f"The agenda and papers for the {meeting} are ready to read.",
            link=link,
            channels=("in_app",),
        )
    return meeting


# --- quorum, attendance, declarations ---------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    quorate: bool
    present: list[str]
    missing: list[str]

    @property
    def missing_labels(self) -> list[str]:
        return [Discipline(d).label for d in self.missing]


def meeting_quorum(meeting: Meeting, members: Iterable[MeetingMember] | None = None) -> Quorum:
    """Quorate when every discipline the panel type requires is among the attending members."""
    members = members if members is not None else meeting.members.all()
    present = sorted({m.discipline for m in members if m.attended})
    required = list(meeting.panel_type.required_disciplines)
    missing = [d for d in required if d not in present]
    return Quorum(quorate=not missing, present=present, missing=missing)


@transaction.atomic
def meeting_hold(*, meeting: Meeting, attended_ids: Iterable[int], actor: User) -> Meeting:
    """Record who attended; the meeting is held, quorate or not (decisions then need ratifying)."""
    meeting = Meeting.objects.select_for_update().select_related("panel_type").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PUBLISHED:
        raise PanelRefused("Attendance can be recorded once, after the agenda is published.")
    if meeting.date > timezone.localdate():
        raise PanelRefused(f"The meeting is on {meeting.date:%-d %B %Y}: it has not happened yet.")
    attended = set(attended_ids)
    members = list(meeting.members.all())
    for member in members:
        member.attended = member.pk in attended
    MeetingMember.objects.bulk_update(members, ["attended"])
    meeting.quorate = meeting_quorum(meeting, members).quorate
    meeting.status = Meeting.Status.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["quorate", "status", "held_at"])
    return meeting


@transaction.atomic
def declaration_record(*, item: AgendaItem, member: User, interest: str) -> Declaration:
    interest = _clean(interest)
    if not interest:
        raise PanelRefused("Describe your interest in this case.", "interest")
    if not MeetingMember.objects.filter(meeting_id=item.meeting_id, user=member).exists():
        raise PanelRefused("Only members of this meeting can declare an interest.")
    declaration, created = Declaration.objects.get_or_create(
        item=item, member=member, defaults={"interest": interest[:500]}
    )
    if not created:
        raise PanelRefused("You have already declared an interest in this case.", "interest")
    return declaration


# --- decisions --------------------------------------------------------------------------------


def _recorder_refusal(meeting: Meeting, item: AgendaItem, actor: User) -> str | None:
    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        return "Record attendance and hold the meeting before recording decisions."
    seat = MeetingMember.objects.filter(meeting=meeting, user=actor).first()
    if actor.pk != meeting.chair_id and (seat is None or not seat.attended):
        return "Only the chair or a member who attended the meeting can record its decisions."
    if panels_access.panel_conflict(actor, item.pk):
        return (
            f"You declared an interest in {item.case.reference}, so you cannot record its "
            "decision. Ask another member of the panel to record it."
        )
    return None


def _funding_band_chosen(
    panel_type: PanelType, funding_band: FundingBand | str | None
) -> FundingBand | None:
    if not (panel_type.uses("funding_band") and funding_band):
        return None
    code = funding_band.code if isinstance(funding_band, FundingBand) else str(funding_band)
    band = FundingBand.objects.filter(code=code, active=True).first()
    if band is None:
        raise PanelRefused(
            "Choose one of the configured funding bands: "
            + ", ".join(FundingBand.objects.filter(active=True).values_list("code", flat=True))
            + ".",
            "funding_band",
        )
    return band


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    case: Case,
    actor: User,
    outcome: str,
    reasons: str,
    funding_band: FundingBand | str | None = None,
    setting_type: str = "",
    named_setting: Setting | None = None,
    transport_eligible: bool | None = None,
    advice_needed: str = "",
    actions: list[dict[str, str]] | None = None,
) -> Decision:
    """Record (or change) the panel's decision on a case on this meeting's agenda."""
    meeting = Meeting.objects.select_related("panel_type").get(pk=meeting.pk)
    panel_type = meeting.panel_type
    item = (
        AgendaItem.objects.select_for_update()
        .select_related("case")
        .filter(meeting=meeting, case_id=case.pk)
        .first()
    )
    if item is None:
        raise PanelRefused(f"{case.reference} is not on the agenda of this meeting.", "case")
    refusal = _recorder_refusal(meeting, item, actor)
    if refusal:
        raise PanelRefused(refusal)
    spec = panel_type.outcome(outcome)
    if spec is None:
        raise PanelRefused("Choose the panel's decision.", "outcome")
    reasons = _clean(reasons)
    if not reasons:
        raise PanelRefused(
            "Enter the reasons for the decision: the family will read them.", "reasons"
        )
    band = _funding_band_chosen(panel_type, funding_band)
    fields: dict[str, Any] = {
        "outcome": outcome,
        "outcome_label": spec["label"][:150],
        "action": spec.get("action") or "",
        "appeal_rights": bool(spec.get("appeal_rights")),
        "reasons": reasons,
        "funding_band": band,
        "setting_type": setting_type if panel_type.uses("setting") else "",
        "named_setting": named_setting if panel_type.uses("setting") else None,
        "transport_eligible": transport_eligible if panel_type.uses("transport") else None,
        "advice_needed": _clean(advice_needed) if panel_type.uses("advice_needed") else "",
        "actions": [
            {"owner": _clean(a.get("owner", ""))[:150], "action": _clean(a.get("action", ""))}
            for a in (actions or [])
            if _clean(a.get("action", ""))
        ]
        if panel_type.uses("actions")
        else [],
        "needs_ratification": not meeting.quorate,
        "recorded_by": actor,
        "recorded_at": timezone.now(),
    }
    # The agenda item is locked: a second submission waits here, then finds the first's decision.
    current = item.decisions.filter(is_current=True).select_for_update().first()
    if current is not None and _same_decision(current, fields):
        return current  # a double click or a retry: one decision, one letter, one email
    if current is not None and current.letter_id is None and current.applied_at is None:
        # Nothing has gone out yet (e.g. awaiting ratification): correct it in place.
        for name, value in fields.items():
            setattr(current, name, value)
        current.ratified_at, current.ratified_by = None, None
        current.save()
        decision = current
    else:
        if current is not None:
            # The letter went out: keep that version as it was and start a new one.
            Decision.objects.filter(pk=current.pk).update(is_current=False)
        decision = Decision.objects.create(
            item=item,
            version=(current.version + 1) if current else 1,
            supersedes=current,
            **fields,
        )
    if decision.needs_ratification:
        case_event_record(
            case=item.case,
            kind="panel_decision_pending",
            summary=(
                f"{panel_type.name} panel decided: {decision.outcome_label}. The panel was not "
                "quorate, so the decision needs ratifying before it takes effect."
            ),
            actor=actor,
            data={"source": "panel", "meeting": meeting.pk, "decision": decision.pk},
        )
    else:
        _decision_apply(decision, actor)
    event_record(
        type=EventType.PANEL_DECISION_RECORDED,
        case=item.case,
        data={
            "decision": decision.pk,
            "meeting": meeting.pk,
            "outcome": outcome,
            "version": decision.version,
            "needs_ratification": decision.needs_ratification,
        },
    )
    if meeting.status == Meeting.Status.CLOSED:
        minutes_order(meeting=meeting, actor=actor)
    return decision


# What makes two submissions the same decision (who recorded it, and when, do not).
_DECISION_CONTENT = (
    "outcome",
    "reasons",
    "funding_band",
    "setting_type",
    "named_setting",
    "transport_eligible",
    "advice_needed",
    "actions",
)


def _same_decision(current: Decision, fields: dict[str, Any]) -> bool:
    def value(name: str) -> Any:
        if name in ("funding_band", "named_setting"):  # compare keys, without a query
            return getattr(current, f"{name}_id")
        return getattr(current, name)

    def wanted(name: str) -> Any:
        given = fields[name]
        return getattr(given, "pk", given) if name in ("funding_band", "named_setting") else given

    return all(value(name) == wanted(name) for name in _DECISION_CONTENT)


def _decision_letter(decision: Decision) -> str:
    """The workflow's letter for the decision's action; a decision that moves no stage (or whose
    action sends no letter) gets the panel's own decision letter."""
    spec = ACTIONS.get(decision.action) if decision.action else None
    return spec.letter if spec is not None and spec.letter else "panel_decision"


def _decision_apply(decision: Decision, actor: User) -> None:
    """Move the case on; the workflow orders the letter, which the worker makes (a PDF takes
    seconds), and tells the family once it exists (once). Inside the caller's transaction.

    The letter's job is written in this transaction, so a recorded decision always gets its
    letter; `decision_letter_made` fills the decision's letter when the worker has made it."""
    item = decision.item
    meeting = item.meeting
    case = item.case
    today = timezone.localdate()
    # "source" is provenance on the timeline only: the letter follows from the action.
    data = {"source": "panel", "meeting": meeting.pk, "decision": decision.pk}
    details = letters.decision_letter_details(decision)
    previous = decision.supersedes
    already_moved = (
        previous is not None
        and previous.applied_at is not None
        and previous.action == decision.action
    )
    letter: Document | None = None
    ordered = False  # the workflow ordered the action's own letter (the worker makes it)
    if decision.action and not already_moved:
        try:
            moved = case_transition_record(
                case=case,
                action=decision.action,
                actor=actor,
                reasons=decision.reasons,
                data=data,
                letter_details=details,
                letter_later=True,
            )
        except TransitionRefused as exc:
            raise PanelRefused(f"The case cannot move on: {exc.reason}") from exc
        case, letter = moved.case, moved.letter
        ordered = ACTIONS[decision.action].letter is not None and not moved.repeated
    elif (
        previous is not None
        and previous.applied_at is not None
        and previous.action
        and previous.action != decision.action
    ):
        raise PanelRefused(
            "The case has already moved on because of the earlier decision. Change the "
            "outcome through the case workflow instead."
        )
    if letter is None and not ordered:
        summary = (
            f"{meeting.panel_type.name} panel decision changed: {decision.outcome_label}"
            if previous is not None
            else f"{meeting.panel_type.name} panel decision: {decision.outcome_label}"
        )
        event = case_event_record(
            case=case,
            kind="panel_decision",
            summary=summary,
            actor=actor,
            family_visible=True,
            data={**data, "reasons": decision.reasons},
        )
        letter = case_letter_send(
            case=case,
            letter=_decision_letter(decision),
            event=event,
            on=today,
            reasons=decision.reasons,
            actor=actor,
            details=details,
            later=True,
        )
    # None while the worker makes it (no deferrer registered: made here, and dated today).
    decision.letter = letter
    decision.letter_sent_on = today if letter is not None else None
    decision.applied_at = timezone.now()
    decision.save(update_fields=["letter", "letter_sent_on", "applied_at"])


def decision_letter_made(sent: LetterSent) -> None:
    """After-letter hook (`cases.workflow.register_after_letter`): when the worker has made a
    panel decision's letter, the decision points at it. One UPDATE, only for panel letters."""
    data = sent.event.data if sent.event is not None else None
    if not data or data.get("source") != "panel" or not data.get("decision"):
        return
    Decision.objects.filter(pk=data["decision"], letter__isnull=True).update(
        letter=sent.document, letter_sent_on=timezone.localdate()
    )


def decision_may_ratify(user: User, decision: Decision) -> bool:
    return panels_access.decisions_ratifiable_by(user).filter(pk=decision.pk).exists()


@transaction.atomic
def decision_ratify(*, decision: Decision, actor: User) -> Decision:
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("item__meeting__panel_type", "item__case__child", "supersedes")
        .get(pk=decision.pk)
    )
    if not decision.is_current or not decision.awaiting_ratification:
        raise PanelRefused("This decision does not need ratifying.")
    if not decision_may_ratify(actor, decision):
        raise PanelRefused(
            "Only a team manager of the area, the chair of a later quorate meeting of this "
            "panel in the same area, or the head of service can ratify this decision."
        )
    decision.ratified_at = timezone.now()
    decision.ratified_by = actor
    decision.save(update_fields=["ratified_at", "ratified_by"])
    _decision_apply(decision, actor)
    return decision


# --- closing and minutes ----------------------------------------------------------------------


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise PanelRefused("Only a meeting that has been held can be closed.")
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    minutes_order(meeting=meeting, actor=actor)
    return meeting


# A wish for minutes older than this with no minutes yet is asked of the worker again (beat).
MINUTES_RETRY_AFTER = timedelta(minutes=2)


def minutes_order(*, meeting: Meeting, actor: User | None) -> None:
    """Ask for the meeting's minutes, made by the worker (a PDF takes seconds): the wish is
    written in the caller's transaction, so nothing is lost if the worker or the broker is down
    (`minutes_drain` asks again), and a later wish while the worker is making them is made
    again after it, so the minutes always show the latest decisions."""
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes_wanted_at=timezone.now(), minutes_wanted_by=actor
    )
    transaction.on_commit(partial(_minutes_enqueue, meeting.pk))


def _minutes_enqueue(meeting_id: int) -> None:
    from panels.tasks import minutes_make_task

    try:
        minutes_make_task.delay(meeting_id)
    except Exception:  # the broker is down: the wish waits for the drain
        logger.warning("Broker unavailable; minutes of meeting %s wait for the drain", meeting_id)


def minutes_make(meeting_id: int) -> bool:
    """The worker: make the minutes if they are still wanted; True if this call made them. The
    meeting's row stays locked while they are made, so two workers never make them twice and a
    decision changed meanwhile asks again once they are done."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(skip_locked=True)
            .filter(pk=meeting_id, minutes_wanted_at__isnull=False)
            .first()
        )
        if meeting is None:
            return False
        minutes_generate(meeting=meeting, actor=meeting.minutes_wanted_by)
        Meeting.objects.filter(pk=meeting.pk).update(minutes_wanted_at=None, minutes_wanted_by=None)
    return True


def minutes_drain(*, now: Any = None) -> int:
    """Ask the worker again for minutes wanted a while ago and not made (beat)."""
    now = now or timezone.now()
    waiting = list(
        Meeting.objects.filter(minutes_wanted_at__lte=now - MINUTES_RETRY_AFTER).values_list(
            "pk", flat=True
        )[:200]
    )
    for pk in waiting:
        _minutes_enqueue(pk)
    return len(waiting)


def minutes_generate(*, meeting: Meeting, actor: User | None) -> Document:
    from panels.selectors import agenda_items, meeting_members

    meeting = Meeting.objects.select_related("panel_type", "chair", "area").get(pk=meeting.pk)
    members = list(meeting_members(meeting))
    document = letters.minutes_create(
        meeting=meeting,
        actor=actor,
        context={
            "meeting": meeting,
            "members": members,
            "quorum": meeting_quorum(meeting, members),
            "items": list(agenda_items(meeting)),
            "generated_on": timezone.localdate(),
        },
    )
    # Earlier minutes stay on record; the meeting points at the newest.
    Meeting.objects.filter(pk=meeting.pk).update(minutes=document)
    return document
