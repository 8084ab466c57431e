"""The embedded default of `make run`: SQLite and the file-system broker, with no server.

The suite runs on PostgreSQL and Redis; this test proves the same code also runs on the demo's
embedded default: the demo seeds, every role's pages answer, and a real Celery worker on the
file-system broker runs the statutory sweep and delivers the reminders it queues.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PAGES_SCRIPT = r"""
from datetime import date
from django.test import Client
from ehcp_portal.accounts.models import User
from cases.models import Case
from cases.selectors import area_for_postcode
from cases.plans.selectors import settings_ranked_for

assert area_for_postcode("LS6 1AA").name == "North West", area_for_postcode("LS6 1AA")
assert settings_ranked_for(["ASD", "SLD"], cover_all=True).count() >= 1
pages = {
    "parent@demo.ehcp.test": ["/family/"],
    "senco@demo.ehcp.test": ["/schools/", "/schools/phase-transfers/"],
    "qa@demo.ehcp.test": ["/quality/"],
    "ep@demo.ehcp.test": ["/advice/"],
    "caseworker@demo.ehcp.test": ["/caseload/", "/caseload/?due=week"],
    "manager.east@demo.ehcp.test": [
        "/team/", "/members/inbox/", "/members/reports/", "/reporting/",
        "/reporting/?period=month-2026-02",
    ],
    "panel.education@demo.ehcp.test": ["/panels/"],
    "councillor@demo.ehcp.test": ["/members/", "/reporting/"],
    "head.of.service@demo.ehcp.test": [
        "/reporting/", "/reporting/cases/?figure=backlog", "/api/v1/events/",
    ],
}
worker = User.objects.get(email="caseworker@demo.ehcp.test")
case = Case.objects.filter(caseworker=worker).first()
pages["caseworker@demo.ehcp.test"].append(f"/cases/{case.reference}/")
for email, paths in pages.items():
    client = Client()
    client.force_login(User.objects.get(email=email))
    for path in paths:
        status = client.get(path).status_code
        assert status == 200, (email, path, status)
# SQLite's triggers keep the child's names on each case for the caseload's name search: a
# rename is found by the new name, and a case saved from before the rename keeps it.
stale = Case.objects.get(pk=case.pk)
case.child.first_name, case.child.last_name = "Zebedee", "Quartermaine"
case.child.save()
stale.save()
assert Case.objects.values_list("child_first_name", "child_last_name").get(pk=case.pk) == (
    "Zebedee", "Quartermaine"
)
client = Client()
client.force_login(worker)
assert case.reference in client.get("/caseload/", {"q": "zebedee quarter"}).content.decode()
fresh = Case.objects.create(
    reference="EHC-2026-999999", child=case.child, received_on=case.received_on, area=case.area
)
assert Case.objects.values_list("child_last_name", flat=True).get(pk=fresh.pk) == "Quartermaine"
# SQLite's triggers keep the phase transfer cohorts' counts: they equal counting the cases by
# the clock's rule, after the seed and after a plan is amended for the move.
from django.db.models import Count
from cases.deadlines import phase_transfer_met_q
from cases.models import PhaseTransferCount


def cohorts():
    kept = {
        (r.area_id, r.year): (r.children, r.amended)
        for r in PhaseTransferCount.objects.exclude(children=0)
    }
    counted = {}
    open_cases = Case.objects.filter(is_open=True, area__isnull=False)
    for year in set(open_cases.values_list("phase_transfer_year", flat=True)) - {None}:
        for area_id, children, amended in (
            open_cases.filter(phase_transfer_year=year).values("area_id")
            .annotate(c=Count("pk"), m=Count("pk", filter=phase_transfer_met_q(year)))
            .values_list("area_id", "c", "m")
        ):
            counted[(area_id, year)] = (children, amended)
    assert kept == counted and kept, (kept, counted)
    return kept


before = cohorts()
moving = Case.objects.filter(
    is_open=True, area__isnull=False, phase_transfer_year__isnull=False,
    phase_transfer_amended_on__isnull=True,
).first()
moving.phase_transfer_amended_on = date(moving.phase_transfer_year - 1, 9, 1)  # in time
moving.save()
after = cohorts()
key = (moving.area_id, moving.phase_transfer_year)
assert after[key][1] == before[key][1] + 1, (before[key], after[key])
print("PAGES OK")
"""


def _run(args: list[str], env: dict[str, str], timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.mark.worker
def test_demo_runs_on_sqlite_with_a_worker_on_the_file_system_broker(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(DJANGO_SETTINGS_MODULE="ehcp_portal.settings.local", EHCP_VAR_DIR=str(tmp_path))
    _run(["migrate", "--no-input", "-v0"], env)
    assert "Demo sign-ins" in _run(["seed_demo", "--cases", "120", "--seed", "5"], env)
    assert "PAGES OK" in _run(["shell", "-c", PAGES_SCRIPT], env)

    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ehcp_portal",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # SWEEP_ON_WORKER_START: the worker sweeps as soon as it is ready; then drain the outbox
        # through the broker as beat would.
        deadline = time.monotonic() + 120
        while "cases.casework.tasks.statutory_sweep" not in log.read_text() or "succeeded" not in (
            log.read_text()
        ):
            assert worker.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        _run(
            ["shell", "-c", "from notifications.tasks import outbox_drain; outbox_drain.delay()"],
            env,
        )
        check = (
            "from notifications.models import Notification as N; "
            "print('SENT', N.objects.filter(channel='email', status='sent').count())"
        )
        while True:
            out = _run(["shell", "-c", check], env)
            sent = int(out.split("SENT")[-1].split()[0])
            texts, letters = tmp_path / "sms", tmp_path / "letters"
            if (
                sent > 0
                and texts.is_dir()
                and any(texts.iterdir())
                and letters.is_dir()
                and any(letters.iterdir())
            ):
                break
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    assert any((tmp_path / "mail").iterdir())  # the reminders went out as email files
    # Issue 19: the demo family with only a phone number got a text, the assisted-digital
    # family the decision letter's PDF to post.
    # (its decision by text, then the short survey that follows the decision's letter).
    texts = [path.read_text() for path in (tmp_path / "sms").iterdir()]
    assert texts and all("To: +447700900456" in text for text in texts)
    assert any("/track/" in text for text in texts)
    # Two posted letters: the assisted-digital family's, and the paper applicant's, who has no
    # account at all (posted to the child's address).
    letters = sorted((tmp_path / "letters").iterdir())
    assert all(letter.read_bytes().startswith(b"%PDF") for letter in letters)
    assert len([letter for letter in letters if "decision_letter" in letter.name]) == 2
