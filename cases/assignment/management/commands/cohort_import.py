"""Import a cohort CSV: `manage.py cohort_import children.csv [--actor manager@council.gov.uk]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.assignment.cohort import CohortFileError, cohort_import, cohort_rows_read
from ehcp_portal.accounts.models import User


class Command(BaseCommand):
    help = "Create, prioritise and assign cases for a CSV of children; report every rejected row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--actor", help="Email of the person the import is recorded against")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].lower()).first()
            if actor is None:
                raise CommandError(f"No user with the email {options['actor']}")
        try:
            rows = cohort_rows_read(path.read_bytes())
        except CohortFileError as exc:
            raise CommandError(str(exc)) from exc
        record = cohort_import(rows=rows, filename=path.name, actor=actor)
        for row in record.report:
            if row["status"] == "rejected":
                self.stdout.write(f"row {row['row']}: {row['name']}: {'; '.join(row['reasons'])}")
        self.stdout.write(
            f"{record.rows_total} rows: {record.created_count} cases created "
            f"({record.unassigned_count} unassigned), {record.rejected_count} rejected."
        )
