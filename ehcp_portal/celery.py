"""The Celery app. Tasks are thin: they take ids and call services."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")

app = Celery("ehcp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _sweep_on_start(sender: object = None, **kwargs: object) -> None:
    """In the demo, run the (idempotent) statutory sweep as soon as the worker is up, so
    reminders appear without waiting for the first beat interval."""
    from django.conf import settings

    if getattr(settings, "SWEEP_ON_WORKER_START", False):
        app.send_task("cases.casework.tasks.statutory_sweep")


@worker_init.connect
def _worker_schema_check(sender: object = None, **kwargs: object) -> None:
    """Never run tasks on the wrong schema: refuse to start while migrations are unapplied."""
    from ehcp_portal.schema import schema_ready_or_exit

    schema_ready_or_exit("worker")
