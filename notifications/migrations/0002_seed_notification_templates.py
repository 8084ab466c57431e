"""Seed the default wording of every message (a frozen copy: later edits to the code's
defaults do not change what this migration wrote, and administrators' edits are kept)."""

from django.db import migrations

TEMPLATES = [{'purpose': 'advice_requested',
  'name': 'Advice requested (to the advice giver)',
  'subject': 'Advice requested for an EHC needs assessment ({reference}), due {due_date}',
  'body': 'We are carrying out an education, health and care needs assessment for a child '
          '({reference}) and ask for your {source} advice.\n'
          '\n'
          'The law gives you 6 weeks to send it: please send it by {due_date}.\n'
          'Sign in to read the request and send your advice, or tell us why you cannot.',
  'statutory': True,
  'placeholders': '{reference} {source} {due_date}'},
 {'purpose': 'advice_reminder',
  'name': 'Advice reminder (to the advice giver)',
  'subject': 'Reminder: advice for {reference} is due {due_when}',
  'body': 'Your {source} advice for {reference} is due {due_when} ({due_date}).\n'
          'Sign in to send it, or tell us why you cannot.',
  'statutory': False,
  'placeholders': '{reference} {source} {due_date} {due_when}'},
 {'purpose': 'advice_overdue',
  'name': 'Advice overdue (to the advice giver)',
  'subject': 'Advice for {reference} is overdue',
  'body': 'Your {source} advice for {reference} was due on {due_date} and is {days_overdue} '
          'days late. The family is waiting for it: please send it now.',
  'statutory': False,
  'placeholders': '{reference} {source} {due_date} {days_overdue}'},
 {'purpose': 'advice_escalation',
  'name': 'Advice overdue (to the team lead and caseworker)',
  'subject': 'Overdue advice: {reference}, {source}, from {addressed_to}',
  'body': 'The {source} advice for {reference}, asked of {addressed_to}, was due on {due_date} '
          'and is {days_overdue} days late.',
  'statutory': False,
  'placeholders': '{reference} {source} {due_date} {days_overdue} {addressed_to}'},
 {'purpose': 'advice_received',
  'name': 'Advice received (to the caseworker)',
  'subject': '{reference}: {source} advice received',
  'body': '{responder} sent the {source} advice for {reference}.',
  'statutory': False,
  'placeholders': '{reference} {source} {responder}'},
 {'purpose': 'advice_declined',
  'name': 'Advice declined (to the caseworker)',
  'subject': '{reference}: {source} advice declined',
  'body': '{responder} declined to give the {source} advice for {reference}: {reason}.',
  'statutory': False,
  'placeholders': '{reference} {source} {responder} {reason}'},
 {'purpose': 'deadline_alert',
  'name': 'Statutory deadline coming up (to the caseworker)',
  'subject': '{reference}: {deadline} due {due_when}',
  'body': "'{deadline}' for case {reference} is due {due_when}, on {due_date}.",
  'statutory': False,
  'placeholders': '{reference} {deadline} {due_date} {due_when}'},
 {'purpose': 'deadline_breach',
  'name': 'Statutory deadline missed (to the team manager)',
  'subject': '{reference}: {deadline} missed ({due_date})',
  'body': "The statutory deadline '{deadline}' for case {reference} was {due_date} and has "
          'passed without being met. Caseworker: {caseworker}.',
  'statutory': False,
  'placeholders': '{reference} {deadline} {due_date} {caseworker}'},
 {'purpose': 'breach_digest',
  'name': 'Weekly digest of missed deadlines (to the team manager)',
  'subject': '{count} statutory deadlines missed and still open',
  'body': 'These statutory deadlines have passed and are still open:\n\n{items}',
  'statutory': False,
  'placeholders': '{count} {items}'},
 {'purpose': 'morning_digest',
  'name': 'Morning digest (to the caseworker)',
  'subject': 'Due today: {today_count}; due this week: {week_count}',
  'body': 'Due today:\n{today_items}\n\nDue in the next 7 days:\n{week_items}',
  'statutory': False,
  'placeholders': '{today_count} {week_count} {today_items} {week_items}'},
 {'purpose': 'draft_comments_closing',
  'name': 'Draft plan comment window closing (to the family)',
  'subject': 'The last day to comment on the draft plan is {due_date}',
  'body': 'You can comment on the draft EHC plan and tell us which school or college you would '
          'like until {due_date} ({due_when}). After that the council may issue the final '
          'plan.',
  'statutory': False,
  'placeholders': '{reference} {due_date} {due_when}'},
 {'purpose': 'annual_review_coming',
  'name': 'Annual review coming up (to the family)',
  'subject': 'The annual review of the EHC plan is due by {due_date}',
  'body': 'The EHC plan must be reviewed at least every 12 months; this review must be '
          'finished by {due_date}. The school or college will invite you to a meeting.',
  'statutory': False,
  'placeholders': '{reference} {due_date}'}]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for row in TEMPLATES:
        NotificationTemplate.objects.get_or_create(purpose=row["purpose"], defaults=row)


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(purpose__in=[r["purpose"] for r in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
