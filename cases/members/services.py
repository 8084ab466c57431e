"""Writes on member enquiries. Every change appends an event with actor and time; messages go
through the notifications outbox inside the same transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.members import sla
from cases.members.models import (
    OPEN_ENQUIRY_STATUSES,
    EnquiryStatus,
    MemberEnquiry,
    MemberEnquiryEvent,
)
from cases.models import Area, Case, Team
from cases.selectors import area_for_postcode
from cases.services import case_event_record
from ehcp_portal.accounts.models import Role, User
from families.models import Consent
from notifications.services import notification_queue

if TYPE_CHECKING:
    from collections.abc import Iterable

POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


class EnquiryRefused(Exception):
    """A change the query's state does not allow (e.g. answering a closed query)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EnquiryRateLimited(EnquiryRefused):
    """The member has raised as many queries as the flood limit allows for now."""


@dataclass(frozen=True)
class EnquiryDetails:
    """What the member typed, already validated by the form."""

    category: str
    concern: str
    declared_constituent_asked: bool
    case_reference_given: str = ""
    parent_name: str = ""
    child_name: str = ""
    child_date_of_birth: date | None = None
    address: str = ""


def _event(enquiry: MemberEnquiry, kind: str, summary: str, actor: User | None) -> None:
    MemberEnquiryEvent.objects.create(enquiry=enquiry, kind=kind, summary=summary, actor=actor)


def _clock_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%-I:%M}{local:%p}".lower() + f" on {local:%-d %B %Y}"


def _check_flood_limit(member: User, now: datetime) -> None:
    """Refuse a query beyond the hourly or daily limit (counted in the database, so every web
    process agrees; the member's row is locked so two quick posts cannot both slip through)."""
    per_hour = int(getattr(settings, "MEMBER_ENQUIRY_MAX_PER_HOUR", 20))
    per_day = int(getattr(settings, "MEMBER_ENQUIRY_MAX_PER_DAY", 100))
    list(User.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    recent = MemberEnquiry.objects.filter(member=member, created_at__gt=day_ago).aggregate(
        last_day=Count("id"),
        last_hour=Count("id", filter=Q(created_at__gt=hour_ago)),
        oldest_in_day=Min("created_at"),
        oldest_in_hour=Min("created_at", filter=Q(created_at__gt=hour_ago)),
    )
    if recent["last_hour"] >= per_hour:
        again = recent["oldest_in_hour"] + timedelta(hours=1)
        raise EnquiryRateLimited(
            f"You have raised {per_hour} queries in the last hour, the most we accept in an "
            f"hour. You can raise another query from {_clock_time(again)}."
        )
    if recent["last_day"] >= per_day:
        again = recent["oldest_in_day"] + timedelta(days=1)
        raise EnquiryRateLimited(
            f"You have raised {per_day} queries in the last 24 hours, the most we accept in a "
            f"day. You can raise another query from {_clock_time(again)}."
        )


def _route(details: EnquiryDetails) -> Area | None:
    """The area whose team should triage the query: the area of the case reference given, or
    of the postcode in the address. The member is told neither (a reference must not reveal
    whether a case exists)."""
    if details.case_reference_given:
        case = (
            Case.objects.filter(reference=details.case_reference_given)
            .select_related("area")
            .first()
        )
        if case is not None and case.area is not None:
            return case.area
    found = POSTCODE.search(details.address or "")
    if found:
        return area_for_postcode(found.group(0))
    return None


def _managers_for(area_id: int | None) -> list[User]:
    """Managers of the teams serving the area; every team manager for an unrouted query."""
    teams = Team.objects.filter(manager__isnull=False, manager__is_active=True)
    if area_id is not None:
        teams = teams.filter(area_id=area_id)
    managers = {
        t.manager.pk: t.manager for t in teams.select_related("manager") if t.manager is not None
    }
    if not managers and area_id is not None:
        return _managers_for(None)
    return list(managers.values())


def _staff_link(enquiry: MemberEnquiry) -> str:
    return reverse("members:inbox_detail", args=[enquiry.public_id])


def _member_link(enquiry: MemberEnquiry) -> str:
    return reverse("members:enquiry", args=[enquiry.public_id])


def _queue(
    recipients: Iterable[User],
    *,
    enquiry: MemberEnquiry,
    purpose: str,
    event: str,
    subject: str,
    body: str,
    link: str,
) -> int:
    created = 0
    for recipient in recipients:
        created += len(
            notification_queue(
                recipient=recipient,
                purpose=purpose,
                event_key=f"member_enquiry:{enquiry.pk}:{event}",
                subject=subject,
                body=body,
                link=link,
            )
        )
    return created


@transaction.atomic
def member_enquiry_raise(
    *, member: User, details: EnquiryDetails, now: datetime | None = None
) -> MemberEnquiry:
    if member.role != Role.ELECTED_MEMBER:
        raise EnquiryRefused("Only elected members can raise a member query.")
    if not details.declared_constituent_asked:
        raise EnquiryRefused("Confirm that the constituent asked you to act on their behalf.")
    now = now or timezone.now()
    _check_flood_limit(member, now)
    received_on = timezone.localdate(now)
    area = _route(details)
    enquiry = MemberEnquiry.objects.create(
        member=member,
        member_ward=member.ward,
        case_reference_given=details.case_reference_given,
        parent_name=details.parent_name,
        child_name=details.child_name,
        child_date_of_birth=details.child_date_of_birth,
        address=details.address,
        category=details.category,
        concern=details.concern,
        declared_constituent_asked=True,
        received_on=received_on,
        target_reply_on=sla.target_reply_on(received_on),
        area=area,
        created_at=now,
    )
    _event(enquiry, "received", "Query received from the elected member", member)
    _queue(
        _managers_for(enquiry.area_id),
        enquiry=enquiry,
        purpose="member_enquiry_received",
        event="received",
        subject=f"New member query from {member.get_full_name()}",
        body=(
            f"{member.get_full_name()} ({member.ward or 'no ward recorded'}) raised a query "
            f"about {enquiry.get_category_display().lower()}. A reply is due by "
            f"{enquiry.target_reply_on:%-d %B %Y}."
        ),
        link=_staff_link(enquiry),
    )
    return enquiry


def _require_open(enquiry: MemberEnquiry) -> None:
    if not enquiry.is_open:
        raise EnquiryRefused(f"This query is already {enquiry.get_status_display().lower()}.")


@transaction.atomic
def member_enquiry_match(*, enquiry: MemberEnquiry, case: Case, actor: User) -> MemberEnquiry:
    """A manager confirms which case the query is about (the system only suggests)."""
    _require_open(enquiry)
    if enquiry.case_id == case.pk:
        return enquiry
    enquiry.case = case
    enquiry.area_id = case.area_id or enquiry.area_id
    enquiry.matched_by = actor
    enquiry.matched_at = timezone.now()
    enquiry.save(update_fields=["case", "area", "matched_by", "matched_at"])
    _event(enquiry, "matched", f"Matched to case {case.reference}", actor)
    # The family sees on their tracker that a member asked on their behalf, and can decide
    # whether that member may see the case's progress.
    case_event_record(
        case=case,
        kind="member_enquiry",
        summary=(
            f"{enquiry.member.get_full_name()}, elected member for "
            f"{enquiry.member_ward or 'your area'}, asked us about this request"
        ),
        actor=actor,
        family_visible=True,
        data={"enquiry": str(enquiry.public_id)},
    )
    family = User.objects.filter(memberships__child_id=case.child_id, is_active=True)
    _queue(
        family,
        enquiry=enquiry,
        purpose="member_enquiry_family",
        event=f"family:{case.pk}",
        subject="An elected member has asked us about your request",
        body=(
            f"{enquiry.member.get_full_name()} asked us about your request {case.reference}. "
            "We reply to them, but we only show them how your request is going if you agree. "
            "You can decide, and change your mind, on your request's page."
        ),
        link=reverse("members:family", args=[case.reference]),
    )
    return enquiry


@transaction.atomic
def member_enquiry_route(*, enquiry: MemberEnquiry, area: Area, actor: User) -> MemberEnquiry:
    """Send a query to the team of another area (it leaves this manager's inbox)."""
    _require_open(enquiry)
    if enquiry.case and enquiry.case.area_id != area.pk:
        raise EnquiryRefused("This query is matched to a case in another area.")
    enquiry.area = area
    enquiry.save(update_fields=["area"])
    _event(enquiry, "routed", f"Sent to the {area.name} team", actor)
    _queue(
        _managers_for(area.pk),
        enquiry=enquiry,
        purpose="member_enquiry_received",
        event=f"routed:{area.pk}",
        subject=f"Member query sent to the {area.name} team",
        body=f"A member query was sent to your team. A reply is due by "
        f"{enquiry.target_reply_on:%-d %B %Y}.",
        link=_staff_link(enquiry),
    )
    return enquiry


def officers_for(manager: User) -> QuerySet[User]:
    """Who a manager may assign a query to: caseworkers and managers of their area."""
    area_id = manager.team.area_id if manager.team else None
    if area_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, role__in=[Role.CASEWORKER, Role.TEAM_MANAGER], team__area_id=area_id
    ).order_by("full_name", "email")


@transaction.atomic
def member_enquiry_assign(*, enquiry: MemberEnquiry, officer: User, actor: User) -> MemberEnquiry:
    _require_open(enquiry)
    if officer.role not in (Role.CASEWORKER, Role.TEAM_MANAGER) or not officer.team_id:
        raise EnquiryRefused("Choose an officer in a SEND casework team.")
    enquiry.assigned_officer = officer
    enquiry.assigned_at = timezone.now()
    enquiry.status = EnquiryStatus.ASSIGNED
    if enquiry.area_id is None:
        assert officer.team is not None  # refused above without a team
        enquiry.area_id = officer.team.area_id
    enquiry.save(update_fields=["assigned_officer", "assigned_at", "status", "area"])
    _event(enquiry, "assigned", f"Assigned to {officer.get_full_name()}", actor)
    _queue(
        [officer],
        enquiry=enquiry,
        purpose="member_enquiry_assigned",
        event=f"assigned:{officer.pk}",
        subject="A member query has been assigned to you",
        body=(
            f"{actor.get_full_name()} assigned you a query from {enquiry.member.get_full_name()}. "
            f"A reply is due by {enquiry.target_reply_on:%-d %B %Y}."
        ),
        link=_staff_link(enquiry),
    )
    return enquiry


@transaction.atomic
def member_enquiry_answer(*, enquiry: MemberEnquiry, reply: str, actor: User) -> MemberEnquiry:
    _require_open(enquiry)
    if not reply.strip():
        raise EnquiryRefused("Enter the reply to the member.")
    now = timezone.now()
    enquiry.reply = reply.strip()
    enquiry.replied_by = actor
    enquiry.replied_at = now
    enquiry.replied_on = timezone.localdate(now)
    enquiry.reply_working_days = sla.working_days_between(enquiry.received_on, enquiry.replied_on)
    enquiry.status = EnquiryStatus.ANSWERED
    if enquiry.assigned_officer_id is None:
        enquiry.assigned_officer = actor
        enquiry.assigned_at = now
    enquiry.save(
        update_fields=[
            "reply",
            "replied_by",
            "replied_at",
            "replied_on",
            "reply_working_days",
            "status",
            "assigned_officer",
            "assigned_at",
        ]
    )
    _event(enquiry, "answered", "Reply sent to the elected member", actor)
    _queue(
        [enquiry.member],
        enquiry=enquiry,
        purpose="member_enquiry_answered",
        event="answered",
        subject="We have replied to your casework query",
        body=(
            f"We have replied to the query you raised on {enquiry.received_on:%-d %B %Y}. "
            "Sign in to read the reply."
        ),
        link=_member_link(enquiry),
    )
    return enquiry


@transaction.atomic
def member_enquiry_close(*, enquiry: MemberEnquiry, reason: str, actor: User) -> MemberEnquiry:
    """Close without a reply: only with a reason, which the member sees."""
    _require_open(enquiry)
    if not reason.strip():
        raise EnquiryRefused("Enter the reason for closing the query.")
    enquiry.closed_reason = reason.strip()
    enquiry.closed_by = actor
    enquiry.closed_at = timezone.now()
    enquiry.status = EnquiryStatus.CLOSED
    enquiry.save(update_fields=["closed_reason", "closed_by", "closed_at", "status"])
    _event(enquiry, "closed", "Closed with a reason", actor)
    _queue(
        [enquiry.member],
        enquiry=enquiry,
        purpose="member_enquiry_closed",
        event="closed",
        subject="Your casework query has been closed",
        body=(
            f"The query you raised on {enquiry.received_on:%-d %B %Y} has been closed. "
            "Sign in to read the reason."
        ),
        link=_member_link(enquiry),
    )
    return enquiry


# --- the family's consent ---------------------------------------------------------------------


@transaction.atomic
def member_consent_grant(*, case: Case, member: User, actor: User) -> Consent:
    """The family lets this member see the case's stage and next statutory date."""
    existing = (
        Consent.objects.select_for_update()
        .filter(
            child_id=case.child_id,
            party=Consent.Party.ELECTED_MEMBER,
            member=member,
            revoked_at__isnull=True,
        )
        .first()
    )
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        child_id=case.child_id,
        party=Consent.Party.ELECTED_MEMBER,
        member=member,
        detail=f"Elected member query about {case.reference}",
        given_by=actor,
    )
    case_event_record(
        case=case,
        kind="member_consent_given",
        summary=f"Consent given for {member.get_full_name()} to see how this request is going",
        actor=actor,
        family_visible=True,
    )
    for enquiry in MemberEnquiry.objects.filter(case=case, member=member):
        _event(enquiry, "consent_given", "The family agreed to share the case's progress", actor)
    return consent


@transaction.atomic
def member_consent_withdraw(*, case: Case, member: User, actor: User) -> int:
    withdrawn = Consent.objects.filter(
        child_id=case.child_id,
        party=Consent.Party.ELECTED_MEMBER,
        member=member,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now(), revoked_by=actor)
    if withdrawn:
        case_event_record(
            case=case,
            kind="member_consent_withdrawn",
            summary=f"Consent withdrawn for {member.get_full_name()}",
            actor=actor,
            family_visible=True,
        )
        for enquiry in MemberEnquiry.objects.filter(case=case, member=member):
            _event(enquiry, "consent_withdrawn", "The family withdrew consent", actor)
    return withdrawn


# --- the service-level sweep ------------------------------------------------------------------


def member_enquiries_sweep_run(*, today: date | None = None) -> int:
    """Remind before the target and escalate after it; idempotent (keys name the target).

    Reminder: to the officer (or, unassigned, the managers) once the target is within
    MEMBER_ENQUIRY_REMINDER_WORKING_DAYS working days. Escalation: to the managers once the
    target has passed and the query is still open.
    """
    today = today or timezone.localdate()
    horizon = sla.reminder_horizon(today)
    due = (
        MemberEnquiry.objects.filter(status__in=OPEN_ENQUIRY_STATUSES, target_reply_on__lte=horizon)
        .select_related("member", "assigned_officer")
        .order_by("target_reply_on", "pk")
    )
    managers_by_area: dict[int | None, list[User]] = {}
    for team in Team.objects.filter(manager__isnull=False, manager__is_active=True).select_related(
        "manager"
    ):
        assert team.manager is not None  # the queryset has only teams with a manager
        managers_by_area.setdefault(team.area_id, [])
        if team.manager not in managers_by_area[team.area_id]:
            managers_by_area[team.area_id].append(team.manager)
    everyone = list({m.pk: m for ms in managers_by_area.values() for m in ms}.values())
    queued = 0
    for enquiry in due.iterator(chunk_size=500):
        managers = managers_by_area.get(enquiry.area_id) or everyone
        target = enquiry.target_reply_on
        with transaction.atomic():
            if target < today:
                queued += _queue(
                    managers,
                    enquiry=enquiry,
                    purpose="member_enquiry_escalation",
                    event=f"escalation:{target.isoformat()}",
                    subject=f"Member query overdue: reply was due {target:%-d %B %Y}",
                    body=(
                        f"The query from {enquiry.member.get_full_name()} received on "
                        f"{enquiry.received_on:%-d %B %Y} was due a reply by "
                        f"{target:%-d %B %Y} and is still open"
                        + (
                            f" with {enquiry.assigned_officer.get_full_name()}."
                            if enquiry.assigned_officer
                            else ", with no officer assigned."
                        )
                    ),
                    link=_staff_link(enquiry),
                )
            else:
                recipients = [enquiry.assigned_officer] if enquiry.assigned_officer else managers
                queued += _queue(
                    recipients,
                    enquiry=enquiry,
                    purpose="member_enquiry_reminder",
                    event=f"reminder:{target.isoformat()}",
                    subject=f"Member query reply due {target:%-d %B %Y}",
                    body=(
                        f"The query from {enquiry.member.get_full_name()} needs a reply by "
                        f"{target:%-d %B %Y}."
                    ),
                    link=_staff_link(enquiry),
                )
    return queued
