from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from ehcp_portal.governance.retention import retention_run


class Command(BaseCommand):
    help = (
        "Apply the retention schedule: anonymise or delete records past their period, except "
        "those under legal hold. --dry-run lists what would be removed and removes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list only; remove nothing")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="pretend today is YYYY-MM-DD"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(dry_run=options["dry_run"], today=options["today"])
        for line in report.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(f"{len(report.to_remove)} would be removed.")
        else:
            self.stdout.write(f"{len(report.erasures)} erasure records written.")
