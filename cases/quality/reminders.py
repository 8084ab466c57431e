"""Complaint reminders: the handler is reminded before a stage's response is due, and the
handler and their team manager are told once when it passes. Each message once (outbox keys)."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from cases.quality.clock import complaint_reminder_on
from cases.quality.models import Complaint
from cases.quality.selectors import complaint_timescales
from notifications.services import notification_queue


def complaint_reminders_send(*, today: date) -> int:
    scales = complaint_timescales()
    # The longest reminder window in calendar days, to read only the complaints due soon.
    horizon = today + timedelta(days=scales.reminder * 2 + 7)
    sent = 0
    complaints = (
        Complaint.objects.filter(response_due_on__isnull=False, response_due_on__lte=horizon)
        .exclude(stage=Complaint.Stage.CLOSED)
        .select_related("case", "case__team", "handler")
    )
    for complaint in complaints:
        due = complaint.response_due_on
        assert due is not None
        link = reverse("quality:complaint", args=[complaint.public_id])
        stage = complaint.get_stage_display().lower()
        when = f"{due:%-d %B %Y}"
        if due < today:
            team = complaint.case.team
            manager = team.manager if team is not None else None
            for person in {p for p in (complaint.handler, manager) if p is not None}:
                sent += len(
                    notification_queue(
                        recipient=person,
                        purpose="complaint_overdue",
                        event_key=f"complaint_overdue:{complaint.pk}:{complaint.stage}:{due}",
                        subject=f"Complaint response overdue: {complaint.case.reference}",
                        body=f"The response to the complaint ({stage}) about "
                        f"{complaint.case.reference} was due {when} and has not been recorded.",
                        link=link,
                        case=complaint.case,
                    )
                )
        elif today >= complaint_reminder_on(due, scales) and complaint.handler is not None:
            sent += len(
                notification_queue(
                    recipient=complaint.handler,
                    purpose="complaint_reminder",
                    event_key=f"complaint_reminder:{complaint.pk}:{complaint.stage}:{due}",
                    subject=f"Complaint response due {when}: {complaint.case.reference}",
                    body=f"The response to the complaint ({stage}) about "
                    f"{complaint.case.reference} is due {when}.",
                    link=link,
                    case=complaint.case,
                )
            )
    return sent
