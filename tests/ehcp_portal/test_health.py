from __future__ import annotations

from django.test import override_settings

from ehcp_portal.celery import app as celery_app


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"ok": True, "detail": "ok", "vendor": "postgresql"}
    assert body["broker"]["ok"] is True
    assert body["broker"]["transport"] == "redis"


def test_healthz_is_503_when_the_broker_is_down(client, db):
    # Nothing listens on port 1: the broker is unreachable.
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
            response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True
