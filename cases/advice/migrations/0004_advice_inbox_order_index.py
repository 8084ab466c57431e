"""An advice giver's inbox lists open requests first, soonest due first: this index holds that
order, so the first page is read from its start (a third of a million requests at 1,000,000
cases were sorted on every visit). PostgreSQL only; the expression is the one
`cases.advice.selectors.advice_requests_addressed_to` orders by."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS advice_request_inbox_order ON advice_advicerequest "
    "((CASE WHEN state IN ('sent', 'reminded') THEN 0 ELSE 1 END), due_on, id)"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS advice_request_inbox_order")


class Migration(migrations.Migration):
    dependencies = [("advice", "0003_advice_request_to_a_setting")]

    operations = [migrations.RunPython(forward, backward)]
