from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ehcp_portal.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an EMPTY database and an EMPTY file storage, then check "
        "every table's row count and every file's checksum against the backup. "
        "With --check-only, only check the backup's own files. ops/restore.sh wraps this."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", type=Path, help="a folder written by backup_create")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="check the backup against its manifest and change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check_only"]:
                backup_verify(options["source"], say=self.stdout.write)
                return
            report = backup_restore(options["source"], say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.problems:
            raise CommandError(
                "The restore does not match the backup:\n  " + "\n  ".join(report.problems)
            )
        self.stdout.write(self.style.SUCCESS("Restore complete and checked."))
