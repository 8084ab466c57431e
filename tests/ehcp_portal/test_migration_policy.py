"""The expand/contract migration policy (docs/adr/0013-expand-contract-migrations.md): every
migration added since the previous release (docs/releases/previous.json) is expand-only, and the
previous release's own code still seeds the demo and serves every role's pages on the schema the
new code migrated to, as it must while a deploy or a rollback runs both side by side."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models.fields import NOT_PROVIDED

from tests.worker import ROOT, _test_database_url

RECORD = json.loads((ROOT / "docs" / "releases" / "previous.json").read_text())

# Operations that remove or rename what the previous release's code reads or writes: they belong
# in a later release's contract step, once no running code uses the old shape.
CONTRACT = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)
# Raw SQL is read for the same operations (an index or a trigger added in SQL is expand-only).
CONTRACT_SQL = re.compile(
    r"\b(DROP\s+(TABLE|COLUMN)|RENAME\s+(TO|COLUMN)|SET\s+NOT\s+NULL)\b", re.IGNORECASE
)


def _no_db_default(field: models.Field) -> bool:
    return field.db_default is NOT_PROVIDED


def operation_problems(operation: Operation, app: str, state: ProjectState) -> list[str]:
    """Why `operation` (applied to `state`, the schema before it) is not expand-only."""
    if isinstance(operation, CONTRACT):
        return [f"{operation.describe()}: the previous release still uses it"]
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return [
            problem
            for inner in operation.database_operations
            for problem in operation_problems(inner, app, state)
        ]
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if not field.many_to_many and not field.null and _no_db_default(field):
            # Django's `default` is applied by Django only: the previous release's INSERTs,
            # which do not name the column, would fail.
            return [f"{operation.describe()}: NOT NULL without db_default"]
    if isinstance(operation, migrations.AlterField):
        old = state.models[app, operation.model_name_lower].fields[operation.name]
        new = operation.field
        if old.null and not new.null and _no_db_default(new):
            return [f"{operation.describe()}: made NOT NULL without db_default"]
        if old.db_column != new.db_column:
            return [f"{operation.describe()}: renames the column"]
        if getattr(new, "max_length", None) and (new.max_length or 0) < (old.max_length or 0):
            return [f"{operation.describe()}: shortens the column"]
    if isinstance(operation, migrations.RunSQL):
        sql = operation.sql if isinstance(operation.sql, str) else " ".join(map(str, operation.sql))
        if CONTRACT_SQL.search(sql):
            return [f"raw SQL that drops, renames or tightens: {sql[:80]!r}"]
    return []


def migration_problems(loader: MigrationLoader, app: str, name: str) -> list[str]:
    state = loader.project_state((app, name), at_end=False)
    problems = []
    for operation in loader.disk_migrations[app, name].operations:
        problems += operation_problems(operation, app, state)
        operation.state_forwards(app, state)
    return problems


def _new_since_previous_release(loader: MigrationLoader) -> list[tuple[str, str]]:
    released = RECORD["migrations"]
    return [
        (app, name)
        for app, name in sorted(loader.disk_migrations)
        # An app the previous release did not have: its code never reads these tables.
        if app in released and name not in released[app]
    ]


def test_every_migration_since_the_previous_release_is_expand_only():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = {
        f"{app}.{name}": found
        for app, name in _new_since_previous_release(loader)
        if (found := migration_problems(loader, app, name))
    }
    assert problems == {}, (
        "Contract operations belong in a later release (docs/adr/0013-expand-contract-"
        f"migrations.md): {problems}"
    )


def test_the_previous_release_is_recorded_with_its_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    released = {(app, name) for app, names in RECORD["migrations"].items() for name in names}
    # Every released migration is still on disk (a squash or a deletion would break upgrades).
    assert released <= set(loader.disk_migrations)
    assert re.fullmatch(r"[0-9a-f]{40}", RECORD["commit"])


def _field_state() -> ProjectState:
    state = ProjectState()
    migrations.CreateModel(
        "Thing",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("note", models.CharField(max_length=100, null=True)),
            ("title", models.CharField(max_length=100)),
        ],
    ).state_forwards("demo", state)
    return state


@pytest.mark.parametrize(
    "operation",
    [
        migrations.RemoveField("thing", "note"),
        migrations.RenameField("thing", "note", "comment"),
        migrations.DeleteModel("Thing"),
        migrations.AddField("thing", "size", models.IntegerField(default=0)),
        migrations.AlterField("thing", "note", models.CharField(max_length=100)),
        migrations.AlterField("thing", "title", models.CharField(max_length=10)),
        migrations.RunSQL("ALTER TABLE demo_thing DROP COLUMN note"),
        migrations.RunSQL("ALTER TABLE demo_thing ALTER COLUMN note SET NOT NULL"),
    ],
    ids=lambda op: op.describe(),
)
def test_the_rule_refuses_every_contract_operation(operation):
    assert operation_problems(operation, "demo", _field_state())


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddField("thing", "size", models.IntegerField(null=True)),
        migrations.AddField("thing", "size", models.IntegerField(db_default=0, default=0)),
        migrations.AddIndex("thing", models.Index(fields=["title"], name="demo_thing_title")),
        migrations.AlterField("thing", "title", models.CharField(max_length=200)),
        migrations.AlterField("thing", "note", models.CharField(max_length=100, db_default="")),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON demo_thing (upper(title))"),
        migrations.CreateModel("Other", [("id", models.BigAutoField(primary_key=True))]),
    ],
    ids=lambda op: op.describe(),
)
def test_the_rule_allows_expand_operations(operation):
    assert operation_problems(operation, "demo", _field_state()) == []


def _previous_release_tree(destination: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", RECORD["commit"]],
        cwd=ROOT,
        capture_output=True,
    )
    assert archive.returncode == 0, (
        f"The previous release's commit {RECORD['commit']} must be in this clone's history: "
        f"{archive.stderr.decode()}"
    )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def test_the_previous_release_seeds_and_serves_every_role_on_the_new_schema(
    transactional_db, tmp_path
):
    # The test database is on this code's schema (every migration applied); the previous
    # release's code runs on it unchanged: its demo seeding writes through every app's models,
    # then its own smoke script opens every role's pages.
    tree = _previous_release_tree(tmp_path / "previous")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.test",
        "DATABASE_URL": _test_database_url(),
        "EHCP_VAR_DIR": str(tmp_path / "var"),
    }

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    assert "Demo sign-ins" in run("manage.py", "seed_demo", "--cases", "120", "--seed", "5")
    smoke = (
        "import django; django.setup()\n"
        "from tests.test_embedded_default import PAGES_SCRIPT\n"
        "exec(PAGES_SCRIPT)\n"
    )
    assert "PAGES OK" in run("-c", smoke)
