"""The digests: each caseworker's morning list of what is due today and this week, and each
team manager's weekly list of breaches more than a week old."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse

from cases.casework.sweep.deadlines import DueLines
from notifications.outbox import NotificationBatch


def morning_digests_add(outbox: NotificationBatch, due: dict[int, DueLines], today: date) -> None:
    caseload = reverse("casework:caseload")
    for user_id, lines in due.items():
        outbox.add(
            recipient_id=user_id,
            purpose="morning_digest",
            event_key=f"digest:{today.isoformat()}",
            context={
                "today_count": len(lines.today),
                "week_count": len(lines.this_week),
                "today_items": "\n".join(lines.today) or "Nothing.",
                "week_items": "\n".join(lines.this_week) or "Nothing.",
            },
            link=caseload,
            case_id=None,
        )


def breach_digests_add(
    outbox: NotificationBatch,
    breaches: dict[int, list[str]],
    excepted: dict[int, list[str]],
    today: date,
) -> None:
    """Once a week, from the configured weekday on (a missed run catches up later that week)."""
    if today.weekday() < settings.BREACH_DIGEST_WEEKDAY:
        return
    week = today.isocalendar()
    team_page = reverse("casework:team")
    for user_id, items in breaches.items():
        listed = "\n".join(items)
        if excepted.get(user_id):
            listed += (
                "\n\nAlso passed, with a recorded exception (reg 10(4): the council need "
                "not comply with the time limit):\n" + "\n".join(excepted[user_id])
            )
        outbox.add(
            recipient_id=user_id,
            purpose="breach_digest",
            event_key=f"breach-digest:{week.year}-W{week.week:02d}",
            context={"count": len(items), "items": listed},
            link=team_page,
            case_id=None,
        )
