"""Seed the legal pages' first text and the default retention schedule (the council edits both
in the admin afterwards; reversing removes them)."""

from django.db import migrations

from ehcp_portal.governance import defaults

PAGES = [
    ("privacy", "Privacy notice", defaults.PRIVACY),
    ("accessibility", "Accessibility statement", defaults.ACCESSIBILITY),
    ("cookies", "Cookies", defaults.COOKIES),
]

def seed(apps, schema_editor):
    LegalPage = apps.get_model("governance", "LegalPage")
    RetentionRule = apps.get_model("governance", "RetentionRule")
    for slug, title, body in PAGES:
        LegalPage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body})
    for record_type, trigger, years, action, source in defaults.RETENTION_SCHEDULE:
        RetentionRule.objects.get_or_create(
            record_type=record_type,
            defaults={
                "trigger": trigger,
                "period_years": years,
                "action": action,
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("governance", "LegalPage").objects.all().delete()
    apps.get_model("governance", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
