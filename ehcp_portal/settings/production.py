"""Production: every secret and address comes from the environment, with no defaults.

A missing or malformed setting stops start-up with a message that names it.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Production setting {name} is missing: set it in the environment."
        )
    return value


for _name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL"):
    _require(_name)
if len(os.environ["SECRET_KEY"]) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL in production.")
if not os.environ["REDIS_URL"].startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("REDIS_URL must be a redis:// or rediss:// URL in production.")
if not os.environ["SITE_URL"].startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must start with https:// in production.")
os.environ["DEBUG"] = "false"
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "mandatory")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = False
# Reuse each process's database connection across requests (a module-level CONN_MAX_AGE is not
# a Django setting and did nothing: every request opened a new connection). The health check
# replaces a connection the database closed (a restart, a fail-over) before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [os.environ["SITE_URL"]]
MFA_REQUIRED_FOR_STAFF = True
