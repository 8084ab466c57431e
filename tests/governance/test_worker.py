"""A subject access bundle is put together by a real worker process, through Redis."""

from __future__ import annotations

import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from ehcp_portal.accounts.models import Role
from ehcp_portal.governance.models import SubjectAccessBundle
from ehcp_portal.governance.tasks import subject_access_bundle_task
from tests.factories import UserFactory
from tests.governance.conftest import make_record
from tests.worker import celery_worker, wait_until


@pytest.mark.worker
def test_a_real_worker_builds_the_bundle(transactional_db):
    record = make_record()
    dpo = UserFactory(role=Role.DPO)
    bundle = SubjectAccessBundle.objects.create(
        child=record.child, requested_by=dpo, expires_at=timezone.now() + timedelta(days=30)
    )
    with celery_worker() as worker:
        subject_access_bundle_task.apply_async(args=[bundle.pk], queue=worker.queue)

        def done() -> bool:
            bundle.refresh_from_db()
            return bundle.status != SubjectAccessBundle.Status.QUEUED and bundle.progress == 100

        assert wait_until(done, timeout=60), worker.log.read_text()[-2000:]
    assert bundle.status == SubjectAccessBundle.Status.READY
    with bundle.file.open("rb") as fh:
        names = zipfile.ZipFile(fh).namelist()
    assert "summary.pdf" in names and bundle.files_included == 3
