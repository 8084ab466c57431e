"""Seed the legal pages' first text and the default retention schedule (the council edits both
in the admin afterwards; reversing removes them)."""

from django.db import migrations

from ehcp_portal.governance.defaults import defaults_seed


def seed(apps, schema_editor):
    defaults_seed(apps.get_model("governance", "LegalPage"), apps.get_model("governance", "RetentionRule"))


def unseed(apps, schema_editor):
    apps.get_model("governance", "LegalPage").objects.all().delete()
    apps.get_model("governance", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
