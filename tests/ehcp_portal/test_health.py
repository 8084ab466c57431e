from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from ehcp_portal.accounts.models import Role
from ehcp_portal.celery import app as celery_app
from tests.factories import UserFactory


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_readiness_reports_database_schema_and_broker(client, db, django_assert_num_queries, path):
    # SELECT 1; does django_migrations exist; the applied migrations.
    with django_assert_num_queries(3):
        response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": "ok", "vendor": "postgresql"}
    assert body["migrations"] == {"ok": True, "unapplied": 0}
    assert body["broker"]["ok"] is True
    assert body["broker"]["transport"] == "redis"


def test_liveness_asks_nothing_outside_the_process(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_without_the_broker_readiness_is_degraded_not_failed(client, db, path):
    # Nothing listens on port 1: the broker is unreachable. The outbox keeps every message until
    # it returns, so web stays in the load balancer.
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
            response = client.get(path)
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_with_a_migration_unapplied_readiness_fails(client, db):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'cases' AND name = '0001_initial'"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["migrations"] == {"ok": False, "unapplied": 1}


def test_migrations_the_code_does_not_know_are_not_a_problem(client, db):
    # The next release's migrations, during a rollback (docs/adr/0013-expand-contract-*.md).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('cases', '9999_next_release', now())"
        )
    assert client.get("/readyz").status_code == 200


def test_probes_need_no_sign_in_and_answer_a_signed_in_user_alike(client, db):
    client.force_login(UserFactory(role=Role.CASEWORKER))
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_probes_refuse_anything_but_get(client, db):
    assert client.post("/readyz").status_code == 405
    assert client.post("/livez").status_code == 405
