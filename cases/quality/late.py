"""Rights when the council is late: when a statutory deadline the council owns passes unmet, the
family is told once, in plain words, what was due, that the council is late, what it is doing
and what they can do (complain to the council, then the Ombudsman; SENDIASS; where relevant,
judicial review), with the council's contacts. A deadline with a recorded reg 10(4) exception is
explained instead, once.

The deadlines are read only through `cases.deadlines.case_deadlines` (ADR-0006), so the family
reads "late" exactly when the case page reads "missed" and "excepted" exactly when it does.
Only cases whose earliest open deadline has passed are read (`next_deadline_on`, indexed): a
missed deadline stays open, so it is always at or after that date.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.deadlines import Deadline, case_deadlines
from cases.models import Case, CouncilProfile
from cases.quality.models import LateNotice
from cases.services import case_event_record
from families.models import FamilyMembership
from notifications.services import notification_queue

# What the council does when it has missed each kind of date, in the family's words.
DOING: dict[str, str] = {
    "decision_to_assess": "Your caseworker is making the decision whether to assess now.",
    "decision_not_to_issue": "Your caseworker is making the decision whether to issue a plan now.",
    "final_plan": "We are finishing the plan and will send it to you as soon as it is ready.",
    "annual_review": "We are arranging the review and will contact you with a date.",
    "review_decision": "We are making the review decision and will write to you.",
    "amended_plan": "We are finishing the amended plan and will send it to you.",
}
DOING_DEFAULT = "Your caseworker has been told and is acting on it now."
# Judicial review is the remedy for a council that fails to act where no appeal lies: a missed
# decision or a plan not issued in time (there is nothing yet to appeal to the tribunal).
JUDICIAL_REVIEW_KEYS = frozenset(
    {
        "decision_to_assess",
        "decision_not_to_issue",
        "final_plan",
        "amended_plan",
        "reassessment_final_plan",
        "tribunal_decision",
        "tribunal_no_plan_decision",
        "tribunal_draft_plan",
        "tribunal_final_plan",
        "tribunal_amended_plan",
        "tribunal_cease",
    }
)
LGSCO = "the Local Government and Social Care Ombudsman (www.lgo.org.uk, 0300 061 0614)"


def _contacts(council: CouncilProfile) -> list[str]:
    lines = []
    own = ", ".join(x for x in (council.phone, council.email) if x)
    lines.append(f"- {council.name}" + (f": {own}" if own else ""))
    if council.sendiass_name or council.sendiass_phone or council.sendiass_email:
        service = ", ".join(
            x
            for x in (council.sendiass_phone, council.sendiass_email, council.sendiass_website)
            if x
        )
        lines.append(
            f"- {council.sendiass_name or 'SENDIASS'} (free, independent advice)"
            + (f": {service}" if service else "")
        )
    return lines


def late_message(case: Case, deadline: Deadline, council: CouncilProfile) -> tuple[str, str]:
    """(subject, body) of the message for one passed deadline."""
    due = f"{deadline.due:%-d %B %Y}"
    if deadline.excepted:
        notes = " ".join(note.family_words for note in deadline.exceptions if note.reason)
        subject = f"{deadline.label}: why the date of {due} has passed ({case.reference})"
        body = (
            f"The law set {due} as the date for this step of {case.reference}: "
            f"{deadline.label.lower()}.\n\n"
            + (
                notes
                or "We could not meet this date because of circumstances the law allows "
                "for (SEND Regulations 2014, regulation 10(4)), and we will act as soon as we can."
            )
            + "\n\nIf you think this is wrong, you can talk to your caseworker or contact:\n"
            + "\n".join(_contacts(council))
        )
        return subject, body
    options = [
        f"- Complain to {council.name}: tell your caseworker or use the council's complaints "
        "procedure.",
        f"- If you are not happy with our answer to your complaint, you can go to {LGSCO}.",
        "- Get free, independent advice from your local SEND information, advice and support "
        "service (SENDIASS).",
    ]
    if deadline.key in JUDICIAL_REVIEW_KEYS:
        options.append(
            "- Because the law's date has passed, you may also be able to ask the court for a "
            "judicial review. A solicitor or SENDIASS can tell you whether it applies."
        )
    subject = f"We are late: {deadline.label.lower()} was due {due} ({case.reference})"
    body = (
        f"The law says we must complete this step by {due}: {deadline.label.lower()}. "
        "We have not done it, so we are late. We are sorry.\n\n"
        f"What we are doing: {DOING.get(deadline.key, DOING_DEFAULT)}\n\n"
        "What you can do:\n"
        + "\n".join(options)
        + "\n\nContacts:\n"
        + "\n".join(_contacts(council))
    )
    return subject, body


def _owed(case: Case, today: date) -> list[Deadline]:
    return [
        d
        for d in case_deadlines(case, today=today)
        if d.owner == "council" and d.is_open and d.due < today
    ]


def late_notices_send(*, today: date) -> int:
    """Send what is owed for every passed deadline; returns how many notices were sent. Safe to
    run any number of times a day: one LateNotice row per (case, deadline, due date, excepted)
    and the outbox's idempotency key make a repeat a no-op."""
    council = CouncilProfile.current()
    cases = (
        Case.objects.filter(is_open=True, next_deadline_on__lt=today)
        .select_related("child")
        .prefetch_related("deadline_exceptions")
        .order_by("pk")
    )
    sent = 0
    for case in cases.iterator(chunk_size=500):
        owed = _owed(case, today)
        if not owed:
            continue
        members = [
            m.user
            for m in FamilyMembership.objects.filter(child_id=case.child_id).select_related("user")
        ]
        for deadline in owed:
            if _notice_send(case, deadline, council, members):
                sent += 1
    return sent


def _notice_send(case: Case, deadline: Deadline, council: CouncilProfile, members: list) -> bool:
    try:
        with transaction.atomic():
            LateNotice.objects.create(
                case=case,
                deadline_key=deadline.key,
                due_on=deadline.due,
                excepted=deadline.excepted,
            )
            subject, body = late_message(case, deadline, council)
            kind = "excepted" if deadline.excepted else "late"
            for person in members:
                notification_queue(
                    recipient=person,
                    purpose=f"deadline_{kind}_family",
                    event_key=f"{kind}:{case.pk}:{deadline.key}:{deadline.due.isoformat()}",
                    subject=subject,
                    body=body,
                    link=reverse("families:track", args=[case.reference]),
                    case=case,
                )
            case_event_record(
                case=case,
                kind=f"family_told_{kind}",
                summary=(
                    f"Family told the date passed with an exception: {deadline.label}"
                    if deadline.excepted
                    else f"Family told we are late and of their options: {deadline.label}"
                ),
                family_visible=False,
                data={"deadline": deadline.key, "due": deadline.due.isoformat()},
            )
    except IntegrityError:
        return False  # told already
    return True
