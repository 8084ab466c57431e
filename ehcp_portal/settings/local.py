"""Development: the embedded default (SQLite, file-system broker) unless the environment says
otherwise. `make run` uses this."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "optional")

from .base import *  # noqa: F403
from .base import env

DEBUG = True
# Demo reminders must actually fire while someone is looking: sweep every few minutes (this
# seeds the demo database's schedule; the admin can change it like any other).
STATUTORY_SWEEP_SECONDS = env.int("STATUTORY_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["statutory-sweep"]["schedule"] = STATUTORY_SWEEP_SECONDS  # noqa: F405

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns without it)
SWEEP_ON_WORKER_START = True
