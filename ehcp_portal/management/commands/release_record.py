"""Record a release: its commit and every migration its code has, in docs/releases/previous.json.

Run on the release's commit when it is deployed. From then on every migration not in the record
must be expand-only, and the recorded commit's code must still work on the migrated schema
(tests/ehcp_portal/test_migration_policy.py; docs/adr/0013-expand-contract-migrations.md)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.migrations.loader import MigrationLoader

RECORD = Path(settings.BASE_DIR) / "docs" / "releases" / "previous.json"


class Command(BaseCommand):
    help = "Record this commit and its migrations as the previous release."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("release", help="the release's name, e.g. 2026.12")

    def handle(self, *args: Any, **options: Any) -> None:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        migrations: dict[str, list[str]] = {}
        for app, name in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations):
            migrations.setdefault(app, []).append(name)
        record = {"release": options["release"], "commit": commit, "migrations": migrations}
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_text(json.dumps(record, indent=2) + "\n")
        self.stdout.write(f"recorded {options['release']} at {commit}")
