"""`python manage.py sen2_export --reference-date 2027-01-21 --output SEN2.xml`

Prints the validation report (every record that would fail the DfE's validation, with the page
to put it right), then writes the person-level XML. Same data and date, same bytes.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.sen2.records import sen2_header, sen2_persons
from cases.sen2.scope import CATEGORIES, sen2_counts
from cases.sen2.validation import RULE_TITLES, sen2_validate
from cases.sen2.xml import sen2_write


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--reference-date must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Check and write the SEN2 person-level return for a reference (census) date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reference-date", required=True, type=str)
        parser.add_argument("--output", required=True, help="The XML file to write")
        parser.add_argument(
            "--show", type=int, default=50, help="How many problems to list (0: counts only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["reference_date"])
        started = time.monotonic()
        header = sen2_header(on)
        counts = sen2_counts(on)
        self.stdout.write(f"SEN2 return, reference date {on.isoformat()}")
        for key, label in CATEGORIES.items():
            self.stdout.write(f"  {label}: {counts[key]}")
        self.stdout.write(f"  Total requests in scope: {counts['total']}")

        report = sen2_validate(header, sen2_persons(on), keep=options["show"])
        total = sum(report.by_rule.values())
        self.stdout.write(f"Validation: {total} problem(s) in {report.persons} person(s)")
        for code, n in sorted(report.by_rule.items()):
            self.stdout.write(f"  {code} {RULE_TITLES[code]}: {n}")
        site = settings.SITE_URL.rstrip("/")
        for problem in report.problems:
            where = problem.case_reference or "council"
            self.stdout.write(f"  - {where}: {problem.message} -> {site}{problem.fix_url}")

        with open(options["output"], "w", encoding="utf-8", newline="\n") as out:
            written = sen2_write(out, header, sen2_persons(on))
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {written} person(s) to {options['output']} in {seconds:.1f} s"
            )
        )
