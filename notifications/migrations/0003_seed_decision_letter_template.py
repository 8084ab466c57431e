"""Seed the wording of the family's decision-letter message (a frozen copy, as in 0002)."""

from django.db import migrations

TEMPLATE = {
    "purpose": "decision_letter",
    "name": "Decision letter (to the family)",
    "subject": "{letter_title}: {reference}",
    "body": (
        "We have made a decision about {child}'s request ({reference}) and sent you a "
        "letter: {letter_title}.\n\nThe letter explains the reasons, what happens next "
        "and, where you can challenge the decision, the dates by which to contact the "
        "mediation adviser and to appeal. You can read it in the portal."
    ),
    "statutory": True,
    "placeholders": "{reference} {child} {letter_title}",
}


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.get_or_create(
        purpose=TEMPLATE["purpose"], defaults={k: v for k, v in TEMPLATE.items() if k != "purpose"}
    )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(purpose=TEMPLATE["purpose"]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_seed_notification_templates")]

    operations = [migrations.RunPython(seed, unseed)]
