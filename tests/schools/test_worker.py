"""The daily run in a real Celery worker, twice: one provision gap, one task."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.casework.models import CaseTask
from cases.schools.models import ProvisionConfirmation, SchoolAlert
from cases.schools.tasks import schools_daily_run
from cases.schools.terms import term_of
from tests.worker import celery_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_daily_task_runs_in_a_real_worker_and_raises_a_gap_once(plan, settings):
    assert "schools-daily" in settings.CELERY_BEAT_SCHEDULE
    ProvisionConfirmation.objects.create(
        case=plan.case,
        plan=plan,
        item_id="F1",
        item_text="Speech and language therapy",
        term=term_of(timezone.localdate()).key,
        party="school",
        status="not_delivered",
    )
    with celery_worker() as worker:

        def succeeded() -> int:
            lines = worker.log.read_text().splitlines()
            return sum("schools_daily_run[" in line and "succeeded" in line for line in lines)

        schools_daily_run.apply_async(queue=worker.queue)
        assert wait_until(lambda: succeeded() >= 1, timeout=60), worker.log.read_text()[-2000:]
        schools_daily_run.apply_async(queue=worker.queue)
        assert wait_until(lambda: succeeded() >= 2, timeout=60), worker.log.read_text()[-2000:]
        log = worker.log.read_text()
    assert "'provision_gap': 1" in log and "'provision_gap': 0" in log
    assert SchoolAlert.objects.filter(kind="provision_gap").count() == 1
    assert CaseTask.objects.filter(title__startswith="Provision gap").count() == 1
