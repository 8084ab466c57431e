"""The beat scheduler: every periodic task in the database (django-celery-beat), so schedules
survive restarts and deploys and the council sees and changes them in the admin.

Two departures from django-celery-beat's DatabaseScheduler, both about the statutory sweep:

- CELERY_BEAT_SCHEDULE only *creates* entries that are missing. The stock scheduler writes the
  settings over the database on every start, which would undo an admin's change of the sweep's
  time (or a task they turned off) at the next deploy.
- Every enabled entry is loaded. The stock scheduler (2.8+) leaves out crontab entries more than
  two hours from the current hour; a beat that was down at 06:00 and returns at 09:00 would then
  skip that day's sweep. Loaded, a crontab entry whose last run is before its latest due time is
  due at once: the missed run happens once when beat returns, and the next at the usual time.

And one addition: a task changed in the admin counts its next run from the change, not from its
last run. Moving the sweep from 06:00 to 06:30 after the day's 06:00 run would otherwise make
"06:30 that day" a missed run, sent at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

from ehcp_portal.schema import schema_ready_or_exit


def periodic_tasks_install(mapping: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Create the periodic tasks in `mapping` (CELERY_BEAT_SCHEDULE's shape) that the database
    does not have yet, by name; leave every existing one as the admin last saved it.

    Returns the names created. Called by beat at start-up and by `beat_schedule_install` (the
    deploy's migrate step), so the admin lists every task before beat first runs."""
    existing = set(
        PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True)
    )
    created = []
    for name, entry in mapping.items():
        if name in existing:
            continue
        with transaction.atomic():
            fields = ModelEntry._unpack_fields(**dict(entry))
            _, was_created = PeriodicTask.objects.get_or_create(name=name, defaults=fields)
        if was_created:
            created.append(name)
    return created


class PortalEntry(ModelEntry):
    def __init__(self, model: PeriodicTask, app: Any = None) -> None:
        super().__init__(model, app=app)
        # date_changed moves on every save: the admin's, and beat's own after each run (a few
        # milliseconds after last_run_at, which changes no due time).
        last_run_at: datetime = self.last_run_at  # type: ignore[has-type]
        if model.date_changed and model.date_changed > last_run_at:
            self.last_run_at = model.date_changed


class PortalScheduler(DatabaseScheduler):
    Entry = PortalEntry

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Never send tasks from a schedule read on the wrong schema (before it is read at all).
        schema_ready_or_exit("beat")
        super().__init__(*args, **kwargs)

    def update_from_dict(self, mapping: Mapping[str, Mapping[str, Any]]) -> None:
        periodic_tasks_install(mapping)
        entries = {
            model.name: self.Entry(model, app=self.app)
            for model in PeriodicTask.objects.enabled().filter(name__in=list(mapping))
        }
        self.schedule.update(entries)

    def _get_crontab_exclude_query(self) -> Q:
        # Exclude nothing (see the module's docstring): a handful of entries, read every 5 s.
        return Q(pk__in=[])
