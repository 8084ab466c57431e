"""Assignment by a task seconds after the request: through Redis to a real worker process."""

from __future__ import annotations

import pytest

from cases.assignment.queue import case_assign_after_commit
from cases.assignment.tasks import case_assign_task, priorities_recompute
from cases.models import Case, Stage
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory
from tests.worker import celery_worker, wait_until


@pytest.mark.worker
def test_a_real_worker_assigns_a_new_case_and_recomputes_priorities(transactional_db):
    team = TeamFactory()
    worker_user = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(
        team=team, caseworker=None, stage=Stage.RECEIVED, child=ChildFactory(looked_after=True)
    )
    with celery_worker() as worker:
        case_assign_task.apply_async(args=[case.pk], queue=worker.queue)
        priorities_recompute.apply_async(queue=worker.queue)

        def done() -> bool:
            case.refresh_from_db()
            return case.caseworker_id is not None and case.priority > 0

        assert wait_until(done), worker.log.read_text()[-2000:]
    assert case.caseworker == worker_user
    assert case.assignment_decisions.get().caseworker == worker_user
    assert "looked-after child" in [r["label"] for r in case.priority_reasons]


def test_creating_code_can_ask_for_assignment_after_commit(db, django_capture_on_commit_callbacks):
    case = CaseFactory(caseworker=None)
    with django_capture_on_commit_callbacks() as callbacks:
        case_assign_after_commit(case=case)
    assert len(callbacks) == 1
    assert Case.objects.get(pk=case.pk).caseworker is None  # nothing until the task runs
