"""`python manage.py statutory_sweep [--date 2026-11-27] [--batch-size 5000]`

Runs the daily sweep by hand: the same function the beat's task runs, so a day already swept
queues nothing new, and a day whose run stopped part-way resumes after its last committed
batch. `--date` runs it as of an earlier day (a catch-up after an outage: the alerts owed on
that day, by the catch-up rule). `--status` lists the last runs and how far each got.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.casework.models import SweepRun
from cases.casework.sweep import statutory_sweep
from cases.casework.sweep.reminders import BATCH


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Run the daily statutory sweep (alerts, breaches, reminders, digests) by hand."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=str, help="The day to sweep as (default today)")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help=f"Cases per commit (default {BATCH})"
        )
        parser.add_argument("--status", action="store_true", help="List the last runs and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status()
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        day = _date(options["date"]) if options["date"] else timezone.localdate()
        if day > timezone.localdate():
            raise CommandError("--date cannot be in the future: alerts are sent as of a day")
        started = time.monotonic()
        result = statutory_sweep(today=day, batch_size=options["batch_size"])
        if result.already_running:
            raise CommandError(
                f"The sweep of {day.isoformat()} is already running elsewhere; nothing was done. "
                "Check its progress with --status."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Swept {day.isoformat()}{' (resumed)' if result.resumed else ''}: "
                f"{result.queued} messages queued, {result.advice_reminded} advice requests "
                f"reminded, {result.batches} batches in {time.monotonic() - started:.1f} s."
            )
        )

    def _status(self) -> None:
        runs = SweepRun.objects.order_by("-day")[:10]
        if not runs:
            self.stdout.write("No sweep has run yet.")
        for run in runs:
            state = f"finished {run.finished_at:%H:%M:%S}" if run.finished_at else "UNFINISHED"
            self.stdout.write(
                f"{run.day.isoformat()}  {state}"
                f"  attempts {run.attempts}, batches {run.batches}, cases read "
                f"{run.cases_read}, messages {run.queued}, last case {run.last_case_id}"
            )
