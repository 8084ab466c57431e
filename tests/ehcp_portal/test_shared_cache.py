"""Sign-in limits are counted in a cache every process shares (issue 14: three gunicorn workers
used to allow about three times the configured failures, each counting in its own memory)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# One web process: a few wrong passwords for one account, from one address.
SIGN_IN_ATTEMPTS = r"""
import sys
import django
django.setup()
from django.test import Client, override_settings

email, address, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3])
with override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,5/5m/key"}):
    client = Client(REMOTE_ADDR=address)
    for _ in range(attempts):
        response = client.post("/accounts/login/", {"login": email, "password": "wrong-password"})
        body = response.content.decode()
        print("LIMITED" if "Too many failed login attempts" in body else "CHECKED")
"""


def _process(script: str, *args: str, env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


@pytest.mark.django_db
def test_two_processes_share_the_sign_in_failure_limit():
    # Both processes use the test database and the run's Redis cache (settings.test).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
    }
    email = f"target-{uuid.uuid4().hex[:8]}@example.test"
    first = _process(SIGN_IN_ATTEMPTS, email, "198.51.100.7", "3", env=env)
    second = _process(SIGN_IN_ATTEMPTS, email, "198.51.100.8", "3", env=env)
    assert first == ["CHECKED"] * 3
    # Five failures per account in five minutes, counted across both processes: the second
    # process refuses its third attempt (in its own memory it would have allowed all three).
    assert second == ["CHECKED", "CHECKED", "LIMITED"]


CACHE_WRITE = (
    "import django; django.setup(); from django.core.cache import cache; "
    "cache.set('shared-check', 'written', 60)"
)
CACHE_READ = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.core.cache import cache; "
    "print(settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], cache.get('shared-check'))"
)


def test_the_embedded_default_shares_its_cache_between_processes_without_a_server(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_REDIS_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="ehcp_portal.settings.local", EHCP_VAR_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", CACHE_WRITE], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", CACHE_READ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out == ["FileBasedCache", "written"]
