"""Start a real `celery beat` process whose clock starts at a given moment (time-machine, with
the clock ticking), against the test database and Redis, sending to a queue of the test's own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import redis
from django.conf import settings

from tests.worker import ROOT, _test_database_url

# A process of the deploy (`manage.py ...`) whose clock starts at a given moment.
_MANAGE = """
import sys, time_machine
from datetime import datetime
time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start()
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[2:]])
"""

# The beat's process: travel to the moment (its clock then runs on), send every task to the
# test's queue rather than the shared default one, then run `celery beat` as the CLI would.
_BEAT = """
import sys, time_machine
from datetime import datetime
time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start()
from ehcp_portal.celery import app
app.conf.task_default_queue = sys.argv[2]
from celery.__main__ import main
sys.argv = ["celery", "-A", "ehcp_portal", "beat", "--loglevel=INFO"]
main()
"""


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }


def manage_at(at: datetime, *command: str) -> None:
    """Run `manage.py <command>` in a new process whose clock starts at `at`."""
    result = subprocess.run(
        [sys.executable, "-c", _MANAGE, at.isoformat(), *command],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def celery_beat(*, at: datetime, queue: str, name: str) -> Iterator[subprocess.Popen]:
    env = _env()
    log = ROOT / "var" / f"beat-{queue}-{name}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _BEAT, at.isoformat(), queue],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while "beat: Starting..." not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery beat did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        proc.log = log  # type: ignore[attr-defined]
        yield proc
    finally:
        if proc.poll() is None:
            # As `docker compose stop` does: beat records what it sent and exits.
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def tasks_sent(queue: str) -> list[str]:
    """The names of the tasks waiting in `queue`, oldest first (no worker consumes it)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    messages = client.lrange(queue, 0, -1)
    # kombu's Redis transport pushes on the left and pops on the right.
    return [json.loads(m)["headers"]["task"] for m in reversed(messages)]
