"""Benchmark: the SEN2 export of 100,000 cases (target: under 60 s).

    createdb -h 127.0.0.1 -U postgres ehcp_bench_sen2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ehcp_bench_sen2 .venv/bin/python bench/sen2.py

Migrates, seeds `seed_demo --cases 100000` if the database has fewer cases (or none with a
placement: a database seeded before SEN2), then times the whole `sen2_export` command for the
most recent census date, or BENCH_REFERENCE_DATE (counts, the validation report over every
record, and the XML written to a file) and each part on its own, with the number of SQL
queries. Runs it twice to check the two files are the same bytes.
"""

from __future__ import annotations

import filecmp
import os
import sys
import tempfile
import time
from datetime import date
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
CASES = int(os.environ.get("BENCH_CASES", "100000"))


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import Case
    from cases.plans.models import Placement
    from cases.sen2.records import sen2_header, sen2_persons
    from cases.sen2.scope import sen2_counts
    from cases.sen2.validation import sen2_validate
    from cases.sen2.views import default_reference_date
    from cases.sen2.xml import sen2_write

    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    if Case.objects.count() < CASES or not Placement.objects.exists():
        call_command("seed_demo", "--cases", str(CASES), "--reset")
    # The last census date, or another (BENCH_REFERENCE_DATE=2026-11-27 puts most cases in scope).
    chosen = os.environ.get("BENCH_REFERENCE_DATE")
    on = date.fromisoformat(chosen) if chosen else default_reference_date(timezone.localdate())
    print(f"{Case.objects.count()} cases; reference date {on}")

    def timed(label: str, work):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = work()
            seconds = time.perf_counter() - started
        print(f"{label}: {seconds:.1f} s, {len(queries.captured_queries)} queries")
        return result

    counts = timed("counts by category", lambda: sen2_counts(on))
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    report = timed(
        "validation report",
        lambda: sen2_validate(sen2_header(on), sen2_persons(on), keep=0),
    )
    print(f"  {report.persons} persons, {report.requests} requests, problems {report.by_rule}")
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "a.xml"), Path(tmp, "b.xml")

        def write() -> int:
            with open(first, "w", encoding="utf-8") as out:
                return sen2_write(out, sen2_header(on), sen2_persons(on))

        timed("XML written", write)
        print(f"  {first.stat().st_size / 1e6:.1f} MB")
        started = time.perf_counter()
        call_command(
            "sen2_export",
            "--reference-date",
            on.isoformat(),
            "--output",
            str(second),
            "--show",
            "0",
            stdout=StringIO(),
        )
        print(f"sen2_export command (counts + report + XML): {time.perf_counter() - started:.1f} s")
        print("same bytes twice:", filecmp.cmp(first, second, shallow=False))

    # What the worker does for the head of service's page: counts, report and file, stored.
    from cases.sen2.models import Sen2Return
    from cases.sen2.services import sen2_return_build

    prepared = Sen2Return.objects.create(reference_date=on)
    timed("worker task sen2_return_build", lambda: sen2_return_build(return_id=prepared.pk))
    prepared.file.delete(save=False)
    prepared.delete()


if __name__ == "__main__":
    main()
