from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases.integrations.models import ApiClient, Scope
from cases.integrations.tokens import client_secret_issue
from ehcp_portal.accounts.models import Role
from tests.factories import UserFactory


def issue_client(owner, scopes, *, areas=(), name=None, expires_in=timedelta(days=30), rate=10_000):
    client = ApiClient(
        name=name or f"System {ApiClient.objects.count() + 1} {owner.pk}",
        owner=owner,
        scopes=[str(s) for s in scopes],
        expires_at=timezone.now() + expires_in,
        rate_per_minute=rate,
    )
    token = client_secret_issue(client=client)
    client.areas.set(list(areas))
    return client, token


class ApiCaller:
    """A council system calling the API with its token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.http = Client(raise_request_exception=False)

    def headers(self, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str, **params):
        return self.http.get(path, params, headers=self.headers())

    def post(self, path: str, body=None, *, key: str | None = "k-1", multipart=False):
        if multipart:
            return self.http.post(path, body or {}, headers=self.headers(key))
        return self.http.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers(key),
        )


@pytest.fixture
def api_client_for():
    def make(owner, *scopes, **extra):
        client, token = issue_client(owner, scopes or list(Scope), **extra)
        caller = ApiCaller(token)
        caller.client = client
        return caller

    return make


@pytest.fixture
def manager_system(manager, api_client_for):
    """A system owned by the area's team manager, with every scope."""
    return api_client_for(manager, *Scope)


@pytest.fixture
def head_of_service(db):
    return UserFactory(role=Role.HEAD_OF_SERVICE)


# Panels' fixtures, for a case with a panel decision.
from tests.panels.conftest import (  # noqa: E402, F401
    make_meeting,
    make_paper,
    on_agenda,
    panel_types,
    panellists,
)
