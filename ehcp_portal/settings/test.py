"""Tests run against the production database and broker: PostgreSQL and Redis (never SQLite)."""

from __future__ import annotations

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ehcp")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("Tests run on PostgreSQL only; set DATABASE_URL to a postgres:// URL.")

DEBUG = False
MFA_REQUIRED_FOR_STAFF = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "test-private")},
    },
}
ACCOUNT_RATE_LIMITS = False

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns without it)
