from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.members.tasks.member_enquiries_sweep")
def member_enquiries_sweep() -> int:
    from cases.members.services import member_enquiries_sweep_run

    return member_enquiries_sweep_run()
