"""Two caseload reads that still scanned an area at 1,000,000 cases (PostgreSQL only, as 0007):

- Latest deadline first ends on the reference, latest first too. The index 0006 made ended on
  the reference the other way, so the cases sharing the latest date (12,000 in an area) were
  read and sorted before the first page: 1.5 s.
- A search by case reference matches anywhere in it ("00123", "2025-001"), which no b-tree can
  answer: a trigram index on the reference in capitals, as Django's any-case "contains" reads
  it (pg_trgm, a trusted extension any database owner may create since PostgreSQL 13).
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_open_area_deadline_desc")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_open_area_deadline_latest ON cases_case "
        "(area_id, next_deadline_on DESC NULLS LAST, reference DESC) WHERE is_open"
    )
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_reference_trigram ON cases_case "
        "USING gin (UPPER(reference::text) gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_reference_trigram")
    schema_editor.execute("DROP INDEX IF EXISTS case_open_area_deadline_latest")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_open_area_deadline_desc ON cases_case "
        "(area_id, next_deadline_on DESC NULLS LAST, reference) WHERE is_open"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_caseload_reversed_sort_indexes")]

    operations = [migrations.RunPython(forward, backward)]
