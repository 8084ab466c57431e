"""Two web nodes behind one address (issue 21): two gunicorn processes with the production
settings, one PostgreSQL database, one Redis and one S3-compatible object store.

A family signs in on one node and carries on on the other; a file uploaded through one node
downloads through the other; wrong passwords are counted across both; signing out on one ends
the session on both. Requests reach the nodes as a TLS-terminating proxy would send them
(`Host`, `X-Forwarded-Proto: https`), so the production security settings are all in force.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
import requests
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories import PASSWORD, CaseFactory, UserFactory, family_for
from tests.families.helpers import pdf_bytes
from tests.objectstore import ObjectStore, free_port
from tests.worker import _test_database_url

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.example.gov.uk"
SITE = f"https://{HOST}"
QUEUE = f"two-nodes-{os.getpid()}"


def _production_env(store: ObjectStore, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.production",
        "SECRET_KEY": "two-nodes-" + "k" * 60,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        # settings.test put the run's cache key prefix in the environment: both nodes share it.
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": SITE,
        "EHCP_VAR_DIR": str(var_dir),
        # Messages the family's upload queues wait in a queue of this test's own (no worker).
        "NOTIFICATION_QUEUE": QUEUE,
        **store.env(),
    }


@contextmanager
def web_node(env: dict[str, str], log: Path) -> Iterator[int]:
    """One gunicorn process serving the portal on a free loopback port."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ehcp_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                # gunicorn's default control socket is one path per machine user.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                requests.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"Host": HOST},
                    allow_redirects=False,
                    timeout=5,
                )
                break
            except requests.RequestException:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not start:\n{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.3)
        yield port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


class Browser:
    """One person's browser behind the proxy: it keeps its cookies whichever node answers."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, **kwargs) -> requests.Response:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Origin": SITE,
            "Referer": f"{SITE}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        # The cookies are Secure (the proxy speaks https to the browser): kept by hand here.
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def csrf_token(self, port: int, path: str) -> str:
        page = self.request(port, "GET", path)
        assert page.status_code == 200, (path, page.status_code)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, path
        return found.group(1)

    def sign_in(self, port: int, email: str, password: str) -> requests.Response:
        token = self.csrf_token(port, "/accounts/login/")
        return self.request(
            port,
            "POST",
            "/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        )


def _person(**extra) -> object:
    user = UserFactory(**extra)
    # The nodes run the production password hashers (the test settings use a fast one).
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_share_documents_sessions_and_sign_in_limits(request, bucket, tmp_path):
    case = CaseFactory()
    parent = family_for(case, _person())
    target = _person()
    env = _production_env(bucket, tmp_path)
    request.addfinalizer(lambda: redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE))
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]

    with (
        web_node(env, tmp_path / "node-a.log") as node_a,
        web_node(env, tmp_path / "node-b.log") as node_b,
    ):
        browser = Browser()
        assert browser.sign_in(node_a, parent.email, PASSWORD).status_code == 302
        track = f"/track/{case.reference}/"
        # The session made on node A is good on node B.
        assert browser.request(node_b, "GET", track).status_code == 200

        # Uploaded through node A ...
        report = pdf_bytes()
        token = browser.csrf_token(node_a, track)
        sent = browser.request(
            node_a,
            "POST",
            f"/track/{case.reference}/messages/",
            data={"body": "The speech therapy report", "csrfmiddlewaretoken": token},
            files={"attachment": ("report.pdf", report, "application/pdf")},
        )
        assert sent.status_code == 302, sent.text[-2000:]
        # ... listed and downloaded through node B.
        page = browser.request(node_b, "GET", track).text
        link = re.search(r'href="(/documents/[0-9a-f-]{36}/)"', page)
        assert link, "the tracker on node B lists the attachment"
        download = browser.request(node_b, "GET", link.group(1))
        assert download.status_code == 200
        assert download.content == report
        assert download.headers["Content-Disposition"].startswith("attachment;")
        # The file is in the shared bucket, not on either node's disk.
        assert len(bucket.object_names()) == 1
        assert bucket.read(bucket.object_names()[0]) == report
        assert not any(p.is_file() for p in (tmp_path / "private").rglob("*"))
        # Someone else (no session) learns nothing from either node.
        assert Browser().request(node_b, "GET", link.group(1)).status_code == 302

        # Wrong passwords: five per account in five minutes, counted across both nodes.
        attacker = Browser()
        results = []
        for node in (node_a, node_a, node_a, node_b, node_b, node_b):
            body = attacker.sign_in(node, target.email, "wrong-password").text
            results.append("LIMITED" if "Too many failed login attempts" in body else "CHECKED")
        assert results == ["CHECKED"] * 5 + ["LIMITED"]

        # Signing out on node B ends the session on node A too.
        token = browser.csrf_token(node_b, track)
        out = browser.request(
            node_b, "POST", "/accounts/logout/", data={"csrfmiddlewaretoken": token}
        )
        assert out.status_code == 302
        assert browser.request(node_a, "GET", track).status_code == 302
