"""Under production settings, through the real WSGI application (as gunicorn calls it): the
load balancer's probes are plain HTTP (never redirected to HTTPS), need no sign-in, and say
"not ready" without the database or on the wrong schema, "degraded" without the broker; web,
worker and beat refuse to start on the wrong schema; a process reuses its database connection
across requests and replaces one the database closed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg2
import pytest

from tests.ehcp_portal.test_settings import GOOD, ROOT
from tests.worker import _test_database_url

HOST = "ehcp.example.gov.uk"

# Calls ehcp_portal.wsgi.application as a WSGI server does (request_started, then close() at the
# end, which is where Django closes or keeps the database connection), counting the database
# connections the process opens. Prints one JSON line per path: status, Location, body.
_REQUESTS = """
import json, os, sys
from wsgiref.util import setup_testing_defaults
from django.db.backends.signals import connection_created
opened = []
connection_created.connect(lambda sender, connection, **kwargs: opened.append(1), weak=False)
from ehcp_portal.wsgi import application
opened.clear()  # the start-up check's connection, closed before serving

def get(path):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = os.environ["ALLOWED_HOSTS"]
    seen = {}
    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(headers)
    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return seen["status"], seen["headers"].get("Location", ""), body.decode()

for path in sys.argv[1:]:
    if path == "KILL":
        from django.db import connection
        import psycopg2
        pid = connection.connection.get_backend_pid()
        other = psycopg2.connect(os.environ["DATABASE_URL"])
        other.autocommit = True
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
        other.close()
        continue
    status, location, body = get(path)
    print(json.dumps({"path": path, "status": status, "location": location, "body": body}))
print(json.dumps({"opened": len(opened)}))
"""


def _production_env(**overrides: str) -> dict[str, str]:
    dropped = {*GOOD, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_REDIS_URL", "CONN_MAX_AGE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return {
        **clean,
        **GOOD,
        "ALLOWED_HOSTS": HOST,
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.production",
        "DATABASE_URL": _test_database_url(),
        **overrides,
    }


def _get(*paths: str, **env: str) -> tuple[dict[str, dict], int]:
    result = subprocess.run(
        [sys.executable, "-c", _REQUESTS, *paths],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    responses = {line["path"]: line for line in lines if "path" in line}
    return responses, lines[-1]["opened"]


@pytest.fixture
def unmigrated_database_url(db) -> Iterator[str]:
    """A database with no migrations applied: code deployed before its migrate step ran."""
    name = f"ehcp_unmigrated_{uuid.uuid4().hex[:8]}"
    admin_url = _test_database_url().rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE DATABASE {name}")
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.close()


def test_probes_answer_plain_http_without_sign_in_while_every_page_is_redirected_to_https(db):
    responses, _ = _get("/livez", "/readyz", "/healthz", "/")
    assert responses["/"]["status"] == 301
    assert responses["/"]["location"].startswith("https://")
    assert responses["/livez"]["status"] == 200
    for path in ("/readyz", "/healthz"):
        assert responses[path]["status"] == 200, responses[path]
        body = json.loads(responses[path]["body"])
        assert body["status"] == "ok"
        assert body["migrations"] == {"ok": True, "unapplied": 0}


def test_without_the_broker_web_stays_ready_and_says_degraded(db):
    responses, _ = _get("/livez", "/readyz", REDIS_URL="redis://127.0.0.1:1/0")
    assert responses["/livez"]["status"] == 200
    assert responses["/readyz"]["status"] == 200
    body = json.loads(responses["/readyz"]["body"])
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False and body["database"]["ok"] is True


def test_without_the_database_web_is_alive_but_not_ready(db):
    # Nothing listens on port 1. (The start-up check is what refuses an unreachable database at
    # start; here the database goes away after web started.)
    responses, _ = _get(
        "/livez",
        "/readyz",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/ehcp",
        SCHEMA_CHECK_AT_START="false",
    )
    assert responses["/livez"]["status"] == 200
    assert responses["/readyz"]["status"] == 503
    body = json.loads(responses["/readyz"]["body"])
    assert body["status"] == "unavailable" and body["database"]["ok"] is False


def test_on_a_schema_missing_migrations_web_is_not_ready(unmigrated_database_url):
    responses, _ = _get(
        "/readyz", DATABASE_URL=unmigrated_database_url, SCHEMA_CHECK_AT_START="false"
    )
    assert responses["/readyz"]["status"] == 503
    body = json.loads(responses["/readyz"]["body"])
    assert body["migrations"]["ok"] is False and body["migrations"]["unapplied"] > 50


@pytest.mark.parametrize(
    "process, command",
    [
        (
            "web",
            ["-m", "gunicorn", "ehcp_portal.wsgi:application", "-w", "1", "-b", "127.0.0.1:0"],
        ),
        ("worker", ["-m", "celery", "-A", "ehcp_portal", "worker", "--pool=solo"]),
        ("beat", ["-m", "celery", "-A", "ehcp_portal", "beat"]),
    ],
)
def test_web_worker_and_beat_refuse_to_start_on_a_schema_missing_migrations(
    unmigrated_database_url, process, command
):
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=_production_env(DATABASE_URL=unmigrated_database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"EHCP portal {process} refuses to start on the wrong schema" in result.stderr
    assert "unapplied migration(s): account.0001_initial" in result.stderr


def test_a_web_process_reuses_one_database_connection_across_requests(db):
    responses, opened = _get(*["/readyz"] * 5)
    assert responses["/readyz"]["status"] == 200
    assert opened == 1
    # The counter counts: with CONN_MAX_AGE=0 (the old behaviour) each request opens its own.
    _, opened_without_reuse = _get(*["/readyz"] * 5, CONN_MAX_AGE="0")
    assert opened_without_reuse == 5


def test_a_connection_the_database_closed_is_replaced_before_the_next_request(db):
    responses, opened = _get("/readyz", "/livez", "KILL", "/readyz")
    assert responses["/readyz"]["status"] == 200
    assert opened == 2
