"""The daily sweep: statutory deadline alerts, breaches, advice reminders, family reminders and
the caseworkers' morning digest.

Incremental and idempotent: every message's idempotency key names the thing it is about and its
"bucket" (the reminder offset, the overdue week, the day or week of a digest), so a second run
the same day, or a beat that fires twice, creates nothing. A run that was missed catches up: a
deadline first seen 5 days out still gets its 7-day alert (the smallest offset not yet passed).

Batched: a fixed number of queries whatever the number of cases. Cases and advice requests are
read through server-side cursors, family members and teams in one query each, and every message
is written by ONE `INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone

from cases.advice.models import AdviceRequest, AdviceSource, AdviceTeam
from cases.casework.models import DeadlineException
from cases.deadlines import case_deadlines
from cases.models import Case, CaseEvent
from ehcp_portal.accounts.models import User
from families.models import FamilyMembership
from notifications.defaults import Wording
from notifications.models import Notification
from notifications.services import notification_wording, notification_wordings, outbox_drain_soon

CHUNK = 5000

CASE_FIELDS = (
    "id",
    "reference",
    "stage",
    "is_open",
    "received_on",
    "waiting_on_others",
    "assessment_decision_on",
    "advice_requested_on",
    "issue_decision_on",
    "draft_issued_on",
    "family_responded_on",
    "consultation_sent_on",
    "final_issued_on",
    "review_meeting_on",
    "last_review_decision_on",
    "amendments_sent_on",
    "advice_completed_on",
    "review_report_received_on",
    "amended_plan_issued_on",
    "child_id",
    "caseworker_id",
)


class _Url:
    """reverse() once per URL name, then fill in the argument: reverse() per message would be
    a third of the sweep's time at 100,000 cases."""

    def __init__(self, name: str, placeholder: str = "__ARG__") -> None:
        self.placeholder = placeholder
        self.template = reverse(name, args=[placeholder])

    def __call__(self, arg: object) -> str:
        return self.template.replace(self.placeholder, str(arg))


def _bucket(days_left: int, offsets: tuple[int, ...]) -> int | None:
    """The reminder a deadline `days_left` away is owed: the smallest offset not yet passed."""
    fitting = [o for o in offsets if o >= days_left]
    return min(fitting) if fitting else None


def _when(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


@dataclass
class _Outbox:
    """Messages collected during the sweep, keyed by idempotency key (deduplicated)."""

    wordings: dict[str, Wording]
    rows: dict[str, tuple] = field(default_factory=dict)

    def add(
        self,
        *,
        recipient_id: int,
        purpose: str,
        event_key: str,
        context: dict,
        link: str,
        case_id: int | None,
    ) -> str:
        subject, body, statutory = notification_wording(purpose, context, self.wordings)
        email_key = ""
        for channel in (Notification.Channel.IN_APP, Notification.Channel.EMAIL):
            key = f"{event_key}:{recipient_id}:{purpose}:{channel}"[:200]
            self.rows[key] = (
                recipient_id,
                channel,
                purpose,
                key,
                subject,
                body,
                link,
                statutory,
                case_id,
            )
            email_key = key
        return email_key

    def write(self) -> set[str]:
        """Insert every new row in one statement; returns the keys that were new."""
        if not self.rows:
            return set()
        if connection.vendor != "postgresql":
            return self._write_portable()
        columns = list(zip(*self.rows.values(), strict=True))
        now = timezone.now()
        table = Notification._meta.db_table
        users = User._meta.db_table
        sql = f"""
            INSERT INTO {table} (recipient_id, channel, purpose, idempotency_key, subject, body,
                link, statutory, case_id, status, attempts, last_error, next_attempt_at,
                created_at, sent_at, read_at)
            SELECT r.recipient_id, r.channel, r.purpose, r.key, r.subject, r.body, r.link,
                r.statutory, r.case_id,
                CASE WHEN r.channel = 'in_app' THEN 'sent'
                     WHEN NOT r.statutory AND NOT u.email_opt_in THEN 'skipped'
                     ELSE 'pending' END,
                0, '', %s, %s, CASE WHEN r.channel = 'in_app' THEN %s::timestamptz END, NULL
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[],
                        %s::text[], %s::text[], %s::boolean[], %s::bigint[])
                 AS r(recipient_id, channel, purpose, key, subject, body, link, statutory,
                      case_id)
            JOIN {users} u ON u.id = r.recipient_id
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING idempotency_key
        """  # noqa: S608 – table names come from model meta, values are parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, now, now, *(list(c) for c in columns)])
            return {row[0] for row in cursor.fetchall()}

    def _write_portable(self) -> set[str]:
        """The same insert for the embedded SQLite default (`make run`): the keys already in the
        outbox and the recipients' email choices in two queries, then one bulk insert."""
        keys = list(self.rows)
        existing: set[str] = set()
        for start in range(0, len(keys), 500):
            existing.update(
                Notification.objects.filter(
                    idempotency_key__in=keys[start : start + 500]
                ).values_list("idempotency_key", flat=True)
            )
        new = {k: row for k, row in self.rows.items() if k not in existing}
        opted_in = dict(
            User.objects.filter(pk__in={row[0] for row in new.values()}).values_list(
                "pk", "email_opt_in"
            )
        )
        now = timezone.now()
        rows = []
        for (
            recipient_id,
            channel,
            purpose,
            key,
            subject,
            body,
            link,
            statutory,
            case_id,
        ) in new.values():
            if channel == Notification.Channel.IN_APP:
                status = Notification.Status.SENT
            elif not statutory and not opted_in.get(recipient_id, True):
                status = Notification.Status.SKIPPED
            else:
                status = Notification.Status.PENDING
            rows.append(
                Notification(
                    recipient_id=recipient_id,
                    channel=channel,
                    purpose=purpose,
                    idempotency_key=key,
                    subject=subject,
                    body=body,
                    link=link,
                    statutory=statutory,
                    case_id=case_id,
                    status=status,
                    next_attempt_at=now,
                    created_at=now,
                    sent_at=now if status == Notification.Status.SENT else None,
                )
            )
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return set(new)


@dataclass(frozen=True)
class _Reminder:
    request_id: int
    case_id: int
    summary: str


@dataclass
class SweepResult:
    queued: int = 0
    advice_reminded: int = 0


def statutory_sweep_run(*, today: date | None = None) -> int:
    """Run the daily sweep; returns the number of messages queued (0 on a repeat run)."""
    return statutory_sweep(today=today).queued


def statutory_sweep(*, today: date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    outbox = _Outbox(wordings=notification_wordings())
    _sweep_cases(outbox, today)
    reminder_keys = _sweep_advice(outbox, today)
    with transaction.atomic():
        new_keys = outbox.write()
        # Only requests that got a new reminder today become "reminded", with a timeline line.
        reminded = {
            reminder.request_id: reminder
            for key, reminder in reminder_keys.items()
            if key in new_keys
        }
        if reminded:
            AdviceRequest.objects.filter(
                pk__in=list(reminded), state__in=AdviceRequest.OPEN_STATES
            ).update(state=AdviceRequest.State.REMINDED, last_reminded_on=today)
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case_id=r.case_id,
                        kind="advice_reminded",
                        summary=r.summary[:300],
                        data={"request": r.request_id, "on": today.isoformat()},
                    )
                    for r in reminded.values()
                ]
            )
        if any(k.endswith(":email") for k in new_keys):
            transaction.on_commit(outbox_drain_soon)
    return SweepResult(queued=len(new_keys), advice_reminded=len(reminded))


def _sweep_cases(outbox: _Outbox, today: date) -> None:
    alert_offsets = tuple(settings.DEADLINE_ALERT_OFFSETS_DAYS)
    alert_horizon = settings.DEADLINE_ALERT_HORIZON_DAYS
    draft_offsets = tuple(settings.DRAFT_COMMENTS_REMINDER_DAYS)
    review_offsets = tuple(settings.ANNUAL_REVIEW_REMINDER_DAYS)
    horizon = max(alert_horizon, *draft_offsets, *review_offsets, 7)
    digest_week = today.isocalendar()
    send_breach_digest = today.weekday() >= settings.BREACH_DIGEST_WEEKDAY

    # next_deadline_on is the earliest open deadline, so a case whose next deadline is beyond
    # the horizon has no deadline inside it: the index narrows 100,000 cases to the few due.
    # reg 10(4) (and 5(4), 8(2), 13(3)): where an exception applies the council need not comply
    # with the time limit, so an excepted deadline that passes is not a breach. The keys come
    # with each case row (an array subquery), so no query is added.
    due_soon = Case.objects.filter(
        is_open=True, next_deadline_on__lte=today + timedelta(days=horizon)
    ).order_by()
    if connection.vendor == "postgresql":
        rows = (
            due_soon.annotate(
                excepted_keys=ArraySubquery(
                    DeadlineException.objects.filter(case_id=OuterRef("pk"))
                    .order_by()
                    .values("deadline_key")
                )
            )
            .values_list(*CASE_FIELDS, "team__manager_id", "caseworker__full_name", "excepted_keys")
            .iterator(chunk_size=CHUNK)
        )
    else:
        # The embedded SQLite demo has no array subquery: one more query gives the same keys.
        keys_by_case: dict[int, list[str]] = defaultdict(list)
        for case_id, key in DeadlineException.objects.filter(case__in=due_soon).values_list(
            "case_id", "deadline_key"
        ):
            keys_by_case[case_id].append(key)
        rows = (
            (*row, keys_by_case.get(row[0], []))
            for row in due_soon.values_list(
                *CASE_FIELDS, "team__manager_id", "caseworker__full_name"
            ).iterator(chunk_size=CHUNK)
        )
    case_url = _Url("cases:case_detail")
    track_url = _Url("families:track")
    digests: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"today": [], "week": []})
    breaches: dict[int, list[str]] = defaultdict(list)
    excepted: dict[int, list[str]] = defaultdict(list)
    family_reminders: list[tuple[int, str, str, dict, str, int]] = []

    for values in rows:
        facts = dict(zip(CASE_FIELDS, values[: len(CASE_FIELDS)], strict=True))
        manager_id, caseworker_name, case_exceptions = values[len(CASE_FIELDS) :]
        # A plain record, not a model instance: case_deadlines reads attributes only, and
        # building 100,000 model instances costs more than the rest of the pass. Hence the
        # ignore: the checker sees a SimpleNamespace where case_deadlines declares a Case.
        case = SimpleNamespace(pk=facts["id"], **facts)
        link = case_url(case.reference)
        deadlines = case_deadlines(case, today=today, excepted_keys=case_exceptions or ())  # type: ignore[arg-type]
        for deadline in deadlines:
            if not deadline.is_open:
                continue
            days = deadline.days_left
            due_date = f"{deadline.due:%-d %B %Y}"
            context = {
                "reference": case.reference,
                "deadline": deadline.label,
                "due_date": due_date,
                "due_when": _when(days),
                "caseworker": caseworker_name or "not assigned",
            }
            if days < 0:
                if deadline.owner != "council" or not manager_id:
                    continue
                if deadline.excepted:
                    if -days > 7:
                        excepted[manager_id].append(
                            f"- {case.reference}: {deadline.label}, due {due_date} (excepted)"
                        )
                    continue
                # A breach alerts the team manager once; then it is in the weekly digest.
                outbox.add(
                    recipient_id=manager_id,
                    purpose="deadline_breach",
                    event_key=f"breach:{case.pk}:{deadline.key}:{deadline.due.isoformat()}",
                    context=context,
                    link=link,
                    case_id=case.pk,
                )
                if -days > 7:
                    breaches[manager_id].append(
                        f"- {case.reference}: {deadline.label}, due {due_date} ({-days} days ago)"
                    )
                continue
            if case.caseworker_id and days <= alert_horizon:
                bucket = _bucket(days, alert_offsets)
                if bucket is not None:
                    outbox.add(
                        recipient_id=case.caseworker_id,
                        purpose="deadline_alert",
                        event_key=(
                            f"deadline:{case.pk}:{deadline.key}:{deadline.due.isoformat()}:{bucket}"
                        ),
                        context=context,
                        link=link,
                        case_id=case.pk,
                    )
                if days == 0:
                    digests[case.caseworker_id]["today"].append(
                        f"- {case.reference}: {deadline.label}"
                    )
                elif days <= 7:
                    digests[case.caseworker_id]["week"].append(
                        f"- {case.reference}: {deadline.label}, {due_date}"
                    )
            family_offsets = {"draft_comments": draft_offsets, "annual_review": review_offsets}
            if deadline.key in family_offsets:
                bucket = _bucket(days, family_offsets[deadline.key])
                if bucket is not None:
                    purpose = (
                        "draft_comments_closing"
                        if deadline.key == "draft_comments"
                        else "annual_review_coming"
                    )
                    family_reminders.append(
                        (
                            case.child_id,
                            purpose,
                            f"family:{case.pk}:{deadline.key}:{deadline.due.isoformat()}:{bucket}",
                            context,
                            track_url(case.reference),
                            case.pk,
                        )
                    )

    if family_reminders:
        members: dict[int, list[int]] = defaultdict(list)
        for child_id, user_id in FamilyMembership.objects.filter(
            child_id__in={r[0] for r in family_reminders}
        ).values_list("child_id", "user_id"):
            members[child_id].append(user_id)
        for child_id, purpose, event_key, context, link, case_id in family_reminders:
            for user_id in members[child_id]:
                outbox.add(
                    recipient_id=user_id,
                    purpose=purpose,
                    event_key=event_key,
                    context=context,
                    link=link,
                    case_id=case_id,
                )

    caseload = reverse("cases:caseload")
    for user_id, items in digests.items():
        outbox.add(
            recipient_id=user_id,
            purpose="morning_digest",
            event_key=f"digest:{today.isoformat()}",
            context={
                "today_count": len(items["today"]),
                "week_count": len(items["week"]),
                "today_items": "\n".join(items["today"]) or "Nothing.",
                "week_items": "\n".join(items["week"]) or "Nothing.",
            },
            link=caseload,
            case_id=None,
        )
    if send_breach_digest:
        team_page = reverse("cases:team")
        for user_id, breached in breaches.items():
            listed = "\n".join(breached)
            if excepted.get(user_id):
                listed += (
                    "\n\nAlso passed, with a recorded exception (reg 10(4): the council need "
                    "not comply with the time limit):\n" + "\n".join(excepted[user_id])
                )
            outbox.add(
                recipient_id=user_id,
                purpose="breach_digest",
                event_key=f"breach-digest:{digest_week.year}-W{digest_week.week:02d}",
                context={"count": len(breached), "items": listed},
                link=team_page,
                case_id=None,
            )


def _sweep_advice(outbox: _Outbox, today: date) -> dict[str, _Reminder]:
    """Remind advice givers before the due date and on the day, weekly once overdue, and then
    tell their team lead and the caseworker. Returns {email key: reminder} for reminders."""
    offsets = tuple(settings.ADVICE_REMINDER_OFFSETS_DAYS)
    team_members: dict[int, list[int]] = defaultdict(list)
    leads_of_user: dict[int, set[int]] = defaultdict(set)
    team_lead: dict[int, int | None] = {}
    for team_id, lead_id, member_id in AdviceTeam.objects.values_list("pk", "lead_id", "members"):
        team_lead[team_id] = lead_id
        if member_id is not None:
            team_members[team_id].append(member_id)
            if lead_id and lead_id != member_id:
                leads_of_user[member_id].add(lead_id)

    requests = (
        AdviceRequest.objects.filter(
            state__in=AdviceRequest.OPEN_STATES,
            due_on__lte=today + timedelta(days=max(offsets, default=0)),
            case__is_open=True,
        )
        .order_by()
        .values_list(
            "pk",
            "public_id",
            "source",
            "due_on",
            "addressee_id",
            "addressee__full_name",
            "team_id",
            "team__name",
            "case_id",
            "case__reference",
            "case__caseworker_id",
        )
    )
    sources = dict(AdviceSource.choices)  # the choices of AdviceRequest.source
    advice_url = _Url("cases:advice:detail", "00000000-0000-0000-0000-000000000000")
    case_url = _Url("cases:case_detail")
    reminder_keys: dict[str, _Reminder] = {}
    for (
        pk,
        public_id,
        source,
        due_on,
        addressee_id,
        addressee_name,
        team_id,
        team_name,
        case_id,
        reference,
        caseworker_id,
    ) in requests.iterator(chunk_size=CHUNK):
        days = (due_on - today).days
        givers = [addressee_id] if addressee_id else team_members.get(team_id, [])
        link = advice_url(public_id)
        context = {
            "reference": reference,
            "source": sources[source].split(" (")[0].lower(),
            "due_date": f"{due_on:%-d %B %Y}",
            "due_when": _when(days),
            "days_overdue": -days,
            "addressed_to": addressee_name if addressee_id else f"{team_name} (team inbox)",
        }
        if days >= 0:
            bucket = _bucket(days, offsets)
            if bucket is None:
                continue
            for giver in givers:
                key = outbox.add(
                    recipient_id=giver,
                    purpose="advice_reminder",
                    event_key=f"advice:{pk}:reminder:{bucket}",
                    context=context,
                    link=link,
                    case_id=case_id,
                )
                reminder_keys[key] = _Reminder(
                    pk, case_id, f"Reminder sent: {context['source']} advice due {_when(days)}"
                )
            continue
        # Overdue: once in each overdue week (days 1-7 late are week 0), with escalation.
        week = (-days - 1) // 7
        for giver in givers:
            key = outbox.add(
                recipient_id=giver,
                purpose="advice_overdue",
                event_key=f"advice:{pk}:overdue:{week}",
                context=context,
                link=link,
                case_id=case_id,
            )
            reminder_keys[key] = _Reminder(
                pk, case_id, f"Overdue {context['source']} advice chased ({-days} days late)"
            )
        escalate_to: set[int] = set()
        if addressee_id:
            escalate_to |= leads_of_user.get(addressee_id, set())
        elif team_lead_id := team_lead.get(team_id):
            escalate_to.add(team_lead_id)
        if caseworker_id:
            escalate_to.add(caseworker_id)
        for user_id in escalate_to:
            outbox.add(
                recipient_id=user_id,
                purpose="advice_escalation",
                event_key=f"advice:{pk}:escalation:{week}",
                context=context,
                # The caseworker follows the case; a team lead the request itself.
                link=case_url(reference) if user_id == caseworker_id else link,
                case_id=case_id,
            )
    return reminder_keys
