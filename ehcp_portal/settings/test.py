"""Tests run against the production database and broker: PostgreSQL and Redis (never SQLite)."""

from __future__ import annotations

import os
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ehcp")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
# The cache is the real Redis (shared sign-in limits are part of what is tested). Each run gets
# its own key prefix, so counters and used TOTP codes never carry over from an earlier run; the
# processes a test starts inherit it and share the run's cache.
os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{os.getpid()}-{int(time.time())}")

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
