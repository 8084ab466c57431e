"""The manager's caseload sorted the other way round (lowest priority first, last stage first)
keeps the latest deadline first and cases with no deadline last: orders only PostgreSQL can
index (SQLite refuses NULLS LAST in an index), so made there only."""

from django.db import migrations

INDEXES = {
    # (the nearest deadline first, no deadline last, is the default order of an index)
    "case_open_area_deadline": "(area_id, next_deadline_on, reference)",
    "case_open_area_priority_asc": (
        "(area_id, priority, next_deadline_on DESC NULLS LAST, reference DESC)"
    ),
    "case_open_area_stage_desc": (
        "(area_id, stage DESC, next_deadline_on DESC NULLS LAST, reference DESC)"
    ),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cases_case {columns} WHERE is_open"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_open_case_counts_and_list_indexes")]

    operations = [migrations.RunPython(forward, backward)]
