from __future__ import annotations

from celery import shared_task


# The whole return for a big council takes tens of seconds: above the default limits.
@shared_task(
    name="cases.sen2.tasks.sen2_return_build", acks_late=True, time_limit=1800, soft_time_limit=1700
)
def sen2_return_build_task(return_id: int) -> None:
    from cases.sen2.services import sen2_return_build

    sen2_return_build(return_id=return_id)
