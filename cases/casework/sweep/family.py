"""Family reminders: the draft plan's comment window closing, the annual review coming. Each
goes to every member of the child's family, with a link to the tracker."""

from __future__ import annotations

from collections import defaultdict

from cases.casework.sweep.deadlines import FamilyReminder
from families.models import FamilyMembership
from notifications.outbox import NotificationBatch


def family_reminders_add(outbox: NotificationBatch, reminders: list[FamilyReminder]) -> None:
    if not reminders:
        return
    members: dict[int, list[int]] = defaultdict(list)
    for child_id, user_id in FamilyMembership.objects.filter(
        child_id__in={r.child_id for r in reminders}
    ).values_list("child_id", "user_id"):
        members[child_id].append(user_id)
    for reminder in reminders:
        for user_id in members[reminder.child_id]:
            outbox.add(
                recipient_id=user_id,
                purpose=reminder.purpose,
                event_key=reminder.event_key,
                context=reminder.context,
                link=reminder.link,
                case_id=reminder.case_id,
            )
