"""Searching a caseload by a child's name ("starts with", any case) reads an index of the names
in capitals instead of every child. PostgreSQL only: the pattern operator class that lets LIKE
'ABC%' use a b-tree whatever the database's collation has no SQLite equivalent (the embedded
demo is small enough to scan)."""

from django.db import migrations

INDEXES = {
    "families_child_last_name_upper": "(UPPER(last_name) varchar_pattern_ops)",
    "families_child_first_name_upper": "(UPPER(first_name) varchar_pattern_ops)",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON families_child {columns}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("families", "0002_child_sen2")]

    operations = [migrations.RunPython(forward, backward)]
