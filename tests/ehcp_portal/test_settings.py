from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "k3J9#p2LqZ8v!Xw4Rt6Ym1Nc7Bd0Hf5Gs8Ua2Ee9Io3Pl6Kj4Mn1Qb7Wz0Xc5Vr8Ty2",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ehcp",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "ehcp.example.gov.uk",
    "SITE_URL": "https://ehcp.example.gov.uk",
}


def _check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by tests/e2e/conftest.py for the live server whenever
    # the e2e directory is collected; a production process never has it.
    local_only = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in GOOD and k not in local_only}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.production", **env},
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in GOOD.items() if k != "SECRET_KEY"}
    result = _check(env)
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr


def test_production_refuses_a_malformed_database_url():
    result = _check({**GOOD, "DATABASE_URL": "sqlite:///x.db"})
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres:// URL" in result.stderr


def test_production_deploy_check_warns_only_about_documented_deployment_choices():
    # README "Deploying" documents W021: HSTS preload is a domain owner's decision.
    result = _check(GOOD, "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    codes = set(re.findall(r"\(([a-z_]+\.[WE]\d+)\)", result.stdout + result.stderr))
    assert codes <= {"security.W021"}, result.stderr
