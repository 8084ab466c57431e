from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ehcp_portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and every private file into a new "
        "folder, with a manifest of row counts and checksums. ops/backup.sh wraps this."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("destination", type=Path, help="a new folder for this backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(options["destination"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if manifest["missing_at_backup"]:
            self.stderr.write(
                "Files the database names but the storage did not have:\n  "
                + "\n  ".join(manifest["missing_at_backup"])
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {options['destination']}"))
