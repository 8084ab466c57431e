"""The default wording of every message, in plain English. Administrators can change each one
in the admin (NotificationTemplate); these are used until they do, and seeded by a migration."""

from __future__ import annotations

from typing import NamedTuple


class Wording(NamedTuple):
    purpose: str
    name: str
    subject: str
    body: str
    statutory: bool
    placeholders: str


DEFAULTS: dict[str, Wording] = {
    w.purpose: w
    for w in [
        Wording(
            "advice_requested",
            "Advice requested (to the advice giver)",
            "Advice requested for an EHC needs assessment ({reference}), due {due_date}",
            "We are carrying out an education, health and care needs assessment for a child "
            "({reference}) and ask for your {source} advice.\n\n"
            "The law gives you 6 weeks to send it: please send it by {due_date}.\n"
            "Sign in to read the request and send your advice, or tell us why you cannot.",
            True,
            "{reference} {source} {due_date}",
        ),
        Wording(
            "advice_reminder",
            "Advice reminder (to the advice giver)",
            "Reminder: advice for {reference} is due {due_when}",
            "Your {source} advice for {reference} is due {due_when} ({due_date}).\n"
            "Sign in to send it, or tell us why you cannot.",
            False,
            "{reference} {source} {due_date} {due_when}",
        ),
        Wording(
            "advice_overdue",
            "Advice overdue (to the advice giver)",
            "Advice for {reference} is overdue",
            "Your {source} advice for {reference} was due on {due_date} and is "
            "{days_overdue} days late. The family is waiting for it: please send it now.",
            False,
            "{reference} {source} {due_date} {days_overdue}",
        ),
        Wording(
            "advice_escalation",
            "Advice overdue (to the team lead and caseworker)",
            "Overdue advice: {reference}, {source}, from {addressed_to}",
            "The {source} advice for {reference}, asked of {addressed_to}, was due on "
            "{due_date} and is {days_overdue} days late.",
            False,
            "{reference} {source} {due_date} {days_overdue} {addressed_to}",
        ),
        Wording(
            "advice_received",
            "Advice received (to the caseworker)",
            "{reference}: {source} advice received",
            "{responder} sent the {source} advice for {reference}.",
            False,
            "{reference} {source} {responder}",
        ),
        Wording(
            "advice_declined",
            "Advice declined (to the caseworker)",
            "{reference}: {source} advice declined",
            "{responder} declined to give the {source} advice for {reference}: {reason}.",
            False,
            "{reference} {source} {responder} {reason}",
        ),
        Wording(
            "deadline_alert",
            "Statutory deadline coming up (to the caseworker)",
            "{reference}: {deadline} due {due_when}",
            "'{deadline}' for case {reference} is due {due_when}, on {due_date}.",
            False,
            "{reference} {deadline} {due_date} {due_when}",
        ),
        Wording(
            "deadline_breach",
            "Statutory deadline missed (to the team manager)",
            "{reference}: {deadline} missed ({due_date})",
            "The statutory deadline '{deadline}' for case {reference} was {due_date} and has "
            "passed without being met. Caseworker: {caseworker}.",
            False,
            "{reference} {deadline} {due_date} {caseworker}",
        ),
        Wording(
            "breach_digest",
            "Weekly digest of missed deadlines (to the team manager)",
            "{count} statutory deadlines missed and still open",
            "These statutory deadlines have passed and are still open:\n\n{items}",
            False,
            "{count} {items}",
        ),
        Wording(
            "morning_digest",
            "Morning digest (to the caseworker)",
            "Due today: {today_count}; due this week: {week_count}",
            "Due today:\n{today_items}\n\nDue in the next 7 days:\n{week_items}",
            False,
            "{today_count} {week_count} {today_items} {week_items}",
        ),
        Wording(
            "draft_comments_closing",
            "Draft plan comment window closing (to the family)",
            "The last day to comment on the draft plan is {due_date}",
            "You can comment on the draft EHC plan and tell us which school or college you "
            "would like until {due_date} ({due_when}). After that the council may issue the "
            "final plan.",
            False,
            "{reference} {due_date} {due_when}",
        ),
        Wording(
            "decision_letter",
            "Decision letter (to the family)",
            "{letter_title}: {reference}",
            "We have made a decision about {child}'s request ({reference}) and sent you a "
            "letter: {letter_title}.\n\nThe letter explains the reasons, what happens next "
            "and, where you can challenge the decision, the dates by which to contact the "
            "mediation adviser and to appeal. You can read it in the portal.",
            True,
            "{reference} {child} {letter_title}",
        ),
        Wording(
            "annual_review_coming",
            "Annual review coming up (to the family)",
            "The annual review of the EHC plan is due by {due_date}",
            "The EHC plan must be reviewed at least every 12 months; this review must be "
            "finished by {due_date}. The school or college will invite you to a meeting.",
            False,
            "{reference} {due_date}",
        ),
    ]
}
