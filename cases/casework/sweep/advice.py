"""Advice reminders: remind advice givers before the due date and on the day, chase them weekly
once the advice is overdue, and then tell their team lead and the caseworker."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from cases.advice.models import AdviceRequest, AdviceTeam, advice_in_words
from cases.casework.sweep.reminders import LinkTemplate, due_when, reminder_owed
from cases.models import CaseEvent
from ehcp_portal.accounts.models import Role, User
from notifications.outbox import NotificationBatch

REQUEST_FIELDS = (
    "pk",
    "public_id",
    "source",
    "due_on",
    "addressee_id",
    "addressee__full_name",
    "team_id",
    "team__name",
    "setting_id",
    "setting__name",
    "case_id",
    "case__reference",
    "case__caseworker_id",
)


@dataclass(frozen=True)
class AdviceReminder:
    request_id: int
    case_id: int
    summary: str


@dataclass
class AdviceTeams:
    """Who gives a team's or a setting's advice and who is told when it is late (two
    queries)."""

    members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    leads_of_user: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    lead: dict[int, int | None] = field(default_factory=dict)
    setting_staff: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls) -> AdviceTeams:
        teams = cls()
        for team_id, lead_id, member_id in AdviceTeam.objects.values_list(
            "pk", "lead_id", "members"
        ):
            teams.lead[team_id] = lead_id
            if member_id is not None:
                teams.members[team_id].append(member_id)
                if lead_id and lead_id != member_id:
                    teams.leads_of_user[member_id].add(lead_id)
        # Only the staff of settings that have an open request, not every school account.
        asked = AdviceRequest.objects.filter(
            state__in=AdviceRequest.OPEN_STATES, setting_id__isnull=False
        ).values("setting_id")
        for user_id, setting_id in User.objects.filter(
            role=Role.SCHOOL, is_active=True, setting_id__in=asked
        ).values_list("pk", "setting_id"):
            teams.setting_staff[setting_id].append(user_id)
        return teams

    def givers(self, r: dict[str, Any]) -> list[int]:
        if r["addressee_id"]:
            return [r["addressee_id"]]
        if r["setting_id"] is not None:
            return self.setting_staff.get(r["setting_id"], [])
        return self.members.get(r["team_id"], []) if r["team_id"] is not None else []

    def escalate_to(
        self, addressee_id: int | None, team_id: int | None, caseworker_id: int | None
    ) -> set[int]:
        """The addressee's team leads (or the team inbox's lead), and the caseworker."""
        users: set[int] = set()
        if addressee_id:
            users |= self.leads_of_user.get(addressee_id, set())
        elif team_id is not None and (lead_id := self.lead.get(team_id)):
            users.add(lead_id)
        if caseworker_id:
            users.add(caseworker_id)
        return users


def advice_request_batch(today: date, after: int, limit: int) -> list[dict[str, Any]]:
    """The next `limit` open advice requests due inside the reminder horizon, on open cases,
    with an id above `after`, in order of id (one query)."""
    offsets = tuple(settings.ADVICE_REMINDER_OFFSETS_DAYS)
    requests = AdviceRequest.objects.filter(
        state__in=AdviceRequest.OPEN_STATES,
        due_on__lte=today + timedelta(days=max(offsets, default=0)),
        case__is_open=True,
        pk__gt=after,
    ).order_by("pk")
    return [
        dict(zip(REQUEST_FIELDS, values, strict=True))
        for values in requests.values_list(*REQUEST_FIELDS)[:limit]
    ]


def advice_reminders_add(
    outbox: NotificationBatch, today: date, requests: list[dict[str, Any]], teams: AdviceTeams
) -> dict[str, AdviceReminder]:
    """Add the reminders, chasers and escalations for `requests` to `outbox`. Returns {email
    key: reminder} for the messages to the advice givers, so the requests they make new can be
    marked."""
    sweep = _AdviceSweep(outbox, today, tuple(settings.ADVICE_REMINDER_OFFSETS_DAYS), teams)
    for request in requests:
        sweep.request(request)
    return sweep.reminders


def advice_requests_mark_reminded(
    reminders: dict[str, AdviceReminder], new_keys: set[str], today: date
) -> int:
    """Only requests that got a new reminder today become "reminded", with a timeline line."""
    reminded = {r.request_id: r for key, r in reminders.items() if key in new_keys}
    if not reminded:
        return 0
    AdviceRequest.objects.filter(pk__in=list(reminded), state__in=AdviceRequest.OPEN_STATES).update(
        state=AdviceRequest.State.REMINDED, last_reminded_on=today
    )
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
    return len(reminded)


class _AdviceSweep:
    def __init__(
        self,
        outbox: NotificationBatch,
        today: date,
        offsets: tuple[int, ...],
        teams: AdviceTeams,
    ) -> None:
        self.outbox = outbox
        self.today = today
        self.offsets = offsets
        self.teams = teams
        self.reminders: dict[str, AdviceReminder] = {}
        self.advice_url = LinkTemplate("advice:detail", "00000000-0000-0000-0000-000000000000")
        self.case_url = LinkTemplate("casework:case_detail")

    def request(self, r: dict[str, Any]) -> None:
        days = (r["due_on"] - self.today).days
        context = {
            "reference": r["case__reference"],
            "source": advice_in_words(r["source"]),
            "due_date": f"{r['due_on']:%-d %B %Y}",
            "due_when": due_when(days),
            "days_overdue": -days,
            "addressed_to": (
                r["addressee__full_name"]
                if r["addressee_id"]
                else r["setting__name"]
                if r["setting_id"]
                else f"{r['team__name']} (team inbox)"
            ),
        }
        if days >= 0:
            self.remind(r, days, context)
        else:
            self.chase(r, days, context)

    def _to_givers(
        self, r: dict[str, Any], purpose: str, event_key: str, context: dict, summary: str
    ) -> None:
        for giver in self.teams.givers(r):
            key = self.outbox.add(
                recipient_id=giver,
                purpose=purpose,
                event_key=event_key,
                context=context,
                link=self.advice_url(r["public_id"]),
                case_id=r["case_id"],
            )
            self.reminders[key] = AdviceReminder(r["pk"], r["case_id"], summary)

    def remind(self, r: dict[str, Any], days: int, context: dict[str, Any]) -> None:
        bucket = reminder_owed(days, self.offsets)
        if bucket is None:
            return
        self._to_givers(
            r,
            "advice_reminder",
            f"advice:{r['pk']}:reminder:{bucket}",
            context,
            f"Reminder sent: {context['source']} advice due {due_when(days)}",
        )

    def chase(self, r: dict[str, Any], days: int, context: dict[str, Any]) -> None:
        # Overdue: once in each overdue week (days 1-7 late are week 0), with escalation.
        week = (-days - 1) // 7
        self._to_givers(
            r,
            "advice_overdue",
            f"advice:{r['pk']}:overdue:{week}",
            context,
            f"Overdue {context['source']} advice chased ({-days} days late)",
        )
        caseworker_id = r["case__caseworker_id"]
        for user_id in self.teams.escalate_to(r["addressee_id"], r["team_id"], caseworker_id):
            self.outbox.add(
                recipient_id=user_id,
                purpose="advice_escalation",
                event_key=f"advice:{r['pk']}:escalation:{week}",
                context=context,
                # The caseworker follows the case; a team lead the request itself.
                link=(
                    self.case_url(r["case__reference"])
                    if user_id == caseworker_id
                    else self.advice_url(r["public_id"])
                ),
                case_id=r["case_id"],
            )
