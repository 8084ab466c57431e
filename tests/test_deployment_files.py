"""docker-compose.yml validates and brings up the whole stack; /healthz fails when the
database is unreachable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> list[str]:
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    found = shutil.which("docker-compose")
    assert found, "docker compose (or docker-compose) is needed: make test installs it"
    return [found]


def test_docker_compose_config_validates_with_all_six_services():
    env = {**os.environ, "SECRET_KEY": "s" * 60, "POSTGRES_PASSWORD": "pw"}
    result = subprocess.run(
        [*_compose(), "config"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for service in ("migrate:", "web:", "worker:", "beat:", "db:", "redis:"):
        assert service in result.stdout
    assert "gunicorn" in result.stdout


def _words(command: str | list[str]) -> str:
    # Compose v1 keeps a command as written (a string), v2 splits it into a list.
    return " ".join(command) if isinstance(command, list) else " ".join(command.split())


def test_web_worker_and_beat_wait_for_the_one_shot_migrate_step():
    env = {**os.environ, "SECRET_KEY": "s" * 60, "POSTGRES_PASSWORD": "pw"}
    result = subprocess.run(
        [*_compose(), "config"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    migrate = services["migrate"]
    assert "manage.py migrate --no-input" in _words(migrate["command"])
    assert "manage.py beat_schedule_install" in _words(migrate["command"])
    assert migrate.get("restart") == "no"
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        # Only the migrate step migrates: new code never runs beside an old schema.
        assert "migrate" not in _words(service["command"])
    # Beat's schedule is in the database, not in a file a deploy throws away.
    assert "--schedule" not in _words(services["beat"]["command"])
    assert "/readyz" in _words(services["web"]["healthcheck"]["test"])


def test_docker_compose_refuses_to_start_without_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "POSTGRES_PASSWORD")}
    result = subprocess.run(
        [*_compose(), "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT / "tests",
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_healthz_is_503_when_the_database_is_down():
    script = (
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.test",
            # Nothing listens on port 1.
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/ehcp",
        },
    )
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "503", result.stdout + result.stderr
    body = json.loads(lines[-1])
    assert body["database"]["ok"] is False
    assert body["broker"]["ok"] is True
