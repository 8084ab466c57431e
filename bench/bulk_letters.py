"""Benchmark: a bulk send of 5,000 letters through the outbox, with the worker killed mid-run.

    createdb -h 127.0.0.1 -U postgres ehcp_bench_letters
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ehcp_bench_letters \
        REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/bulk_letters.py

Migrates, empties the bench's own rows, makes BENCH_LETTERS (5,000) open cases of children at one
school, each with a parent, then: the manager's "Send" request through the real view (timed: it
must not make any letter), a real Celery worker process (solo pool) making the letters, SIGKILL
of its process group once BENCH_KILL_AT (2,000) are sent, a new worker started and the beat's
drain run, and the counts at the end: letters, timeline events and messages per case.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")
LETTERS = int(os.environ.get("BENCH_LETTERS", "5000"))
KILL_AT = int(os.environ.get("BENCH_KILL_AT", "2000"))


def _worker(log: Path) -> subprocess.Popen:
    out = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ehcp_portal", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--without-heartbeat", "-Q", "celery",
         "--loglevel=WARNING", "-n", f"bench-{time.time_ns()}@%h"],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return proc


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cases.correspondence import services
    from cases.correspondence.models import BulkLetter, BulkSend
    from cases.models import Area, Case, CaseEvent, Document, Setting, Team
    from ehcp_portal.accounts.models import Role, User
    from ehcp_portal.celery import app
    from families.models import Child, FamilyMembership
    from notifications.models import Notification

    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    app.control.purge()
    area = Area.objects.create(name=f"Bench area {time.time_ns()}", postcode_districts=["LS1"])
    team = Team.objects.create(name=f"Bench team {time.time_ns()}", area=area)
    manager = User.objects.create(
        email=f"bench-manager-{time.time_ns()}@example.test", role=Role.TEAM_MANAGER, team=team
    )
    school = Setting.objects.create(
        name="Bench school", urn=str(time.time_ns())[-12:], setting_type="primary", area=area
    )
    stamp = time.time_ns()
    started = time.perf_counter()
    children = Child.objects.bulk_create(
        [
            Child(
                first_name=f"Child{i}",
                last_name="Bench",
                date_of_birth="2016-01-01",
                postcode="LS1 1AA",
                setting=school,
            )
            for i in range(LETTERS)
        ],  # fmt: skip
        batch_size=1000,
    )
    parents = User.objects.bulk_create(
        [
            User(email=f"bench-{stamp}-{i}@example.test", full_name=f"Parent {i}")
            for i in range(LETTERS)
        ],
        batch_size=1000,
    )
    FamilyMembership.objects.bulk_create(
        [FamilyMembership(user=p, child=c) for p, c in zip(parents, children, strict=True)],
        batch_size=1000,
    )
    Case.objects.bulk_create(
        [
            Case(
                reference=f"EHC-B{stamp % 10**8}-{i:05d}",
                child=c,
                received_on="2026-11-01",
                team=team,
                area=area,
            )
            for i, c in enumerate(children)
        ],  # fmt: skip
        batch_size=1000,
    )
    print(f"{LETTERS} cases with families made in {time.perf_counter() - started:.1f} s")
    # The statistics autovacuum keeps on a live database (a fresh bulk insert has none).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE families_child")

    client = Client()
    client.force_login(manager)
    client.get(reverse("correspondence:bulk_new"))  # the first request loads the templates
    data = {"cohort": "school", "cohort_setting": str(school.pk), "title": "Open evening",
            "body": "Dear family of {child},\n\nCome to our open evening on 3 March."}  # fmt: skip
    started = time.perf_counter()
    response = client.post(reverse("correspondence:bulk_new"), {**data, "confirm": "1"})
    request_s = time.perf_counter() - started
    bulk = BulkSend.objects.latest("pk")
    assert response.status_code == 302, response.status_code
    made = Document.objects.filter(case__area=area).count()
    print(f"the Send request: {request_s * 1000:.0f} ms (status {response.status_code}); "
          f"{bulk.total} letters to send, {made} made")  # fmt: skip

    def sent() -> int:
        return BulkSend.objects.get(pk=bulk.pk).sent

    log = ROOT / "var" / "bench-letters-worker.log"
    log.parent.mkdir(exist_ok=True)
    started = time.perf_counter()
    worker = _worker(log)
    while sent() < KILL_AT:
        if worker.poll() is not None:
            raise SystemExit(log.read_text()[-3000:])
        time.sleep(0.5)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    first_run = time.perf_counter() - started
    at_kill = sent()
    print(f"worker killed (SIGKILL) after {first_run:.0f} s with {at_kill} sent "
          f"({at_kill / first_run:.1f} letters/s)")  # fmt: skip

    worker = _worker(log.with_suffix(".2.log"))
    services.bulk_sends_drain()
    while BulkSend.objects.get(pk=bulk.pk).status != BulkSend.Status.DONE:
        if worker.poll() is not None:
            raise SystemExit(log.with_suffix(".2.log").read_text()[-3000:])
        time.sleep(1)
    total_s = time.perf_counter() - started
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait()
    bulk.refresh_from_db()
    letters = Document.objects.filter(case__area=area, kind="letter").count()
    events = CaseEvent.objects.filter(case__area=area, kind="bulk_letter").count()
    twice = (
        Document.objects.filter(case__area=area, kind="letter")
        .values("case").annotate(n=django.db.models.Count("pk")).filter(n__gt=1).count()
    )  # fmt: skip
    messages = Notification.objects.filter(purpose="bulk_letter", case__area=area)
    print(f"done in {total_s:.0f} s in all ({LETTERS / total_s:.1f} letters/s): sent {bulk.sent}, "
          f"failed {bulk.failed}; {letters} letters, {events} timeline events, "
          f"{messages.filter(channel='in_app').count()} in-app and "
          f"{messages.filter(channel='email').count()} email messages; "
          f"cases with two letters: {twice}; "
          f"rows {BulkLetter.objects.filter(bulk=bulk).count()}")  # fmt: skip


if __name__ == "__main__":
    main()
