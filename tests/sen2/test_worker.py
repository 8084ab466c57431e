"""The return is prepared by a real worker process, through Redis."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cases.sen2.models import Sen2Return
from cases.sen2.tasks import sen2_return_build_task
from tests.sen2.caseload import R, build_caseload
from tests.worker import celery_worker, wait_until


@pytest.mark.worker
def test_a_real_worker_prepares_the_return(transactional_db):
    build_caseload()
    prepared = Sen2Return.objects.create(reference_date=R)
    with celery_worker() as worker:
        sen2_return_build_task.apply_async(args=[prepared.pk], queue=worker.queue)

        def done() -> bool:
            prepared.refresh_from_db()
            return prepared.status == Sen2Return.Status.READY

        assert wait_until(done), worker.log.read_text()[-2000:]
    assert prepared.counts["total"] == 9 and prepared.by_rule == {}
    with prepared.file.open("rb") as f:
        root = ET.fromstring(f.read())
    assert len(root.findall("Persons/Person")) == 8
