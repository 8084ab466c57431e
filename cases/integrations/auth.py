"""How a call to the API is let in: a council system by its bearer token
(`ApiClientAuthentication`), a person by their browser session; what it may call
(`scope_required`), how often (`ApiClientThrottle`), and which cases it reaches (`cases_for`:
the owner's access policy, narrowed to the client's areas). Other apps' API views reuse these,
e.g. the event feed:

    class EventFeed(APIView):
        permission_classes = [scope_required(Scope.EVENTS_READ)]
        throttle_classes = [ApiClientThrottle]
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from cases.integrations.models import ApiClient, Scope
from cases.integrations.tokens import secret_matches, token_parse
from ehcp_portal import access
from ehcp_portal.accounts.models import User

LAST_USED_EVERY = timedelta(minutes=5)  # a write per call would cost more than it tells


class ApiClientAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ehcp_<prefix>_<secret>`. The row is read on every call, so a
    revoked or expired client is refused on its next call. request.user is the client's owner
    (whose access policy applies), request.auth the ApiClient."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiClient] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None  # no token: the session (or nobody) is tried next
        parsed = token_parse(token.strip())
        refused = exceptions.AuthenticationFailed(
            "The token is not valid, has expired or was revoked."
        )
        if parsed is None:
            raise refused
        prefix, secret = parsed
        client = (
            ApiClient.objects.select_related("owner")
            .prefetch_related("areas")
            .filter(prefix=prefix)
            .first()
        )
        if client is None or not secret_matches(client, secret) or not client.is_active:
            raise refused
        if not client.owner.is_active:
            raise refused
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_EVERY:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client.owner, client

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


def client_of(request: Request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


def user_of(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated runs first
    return user


class _ScopeRequired(permissions.IsAuthenticated):
    scope: str = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        client = client_of(request)
        if client is None:
            # A person signed in: their role and the access policy decide, as on the pages.
            return True
        if self.scope not in client.scopes:
            self.message = f"This client does not have the {self.scope} scope."
            return False
        return True


def scope_required(scope: Scope | str) -> type[permissions.BasePermission]:
    """A permission class: an API client must hold `scope`; a signed-in person passes to the
    access policy (which then decides what they see, 404 for the rest)."""
    return type(
        f"ScopeRequired_{str(scope).replace(':', '_')}", (_ScopeRequired,), {"scope": str(scope)}
    )


class ApiClientThrottle(throttling.SimpleRateThrottle):
    """Each client's own limit per minute (ApiClient.rate_per_minute), counted in the shared
    cache so every worker process sees the same count; people by their user id."""

    scope = "api"
    rate = "600/min"

    def __init__(self) -> None:  # the rate is read per request, not from settings
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        client = client_of(request)
        self.rate = f"{client.rate_per_minute}/min" if client is not None else "600/min"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = client_of(request)
        if client is not None:
            ident = f"client:{client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def principal_of(request: Request) -> str:
    client = client_of(request)
    return f"client:{client.pk}" if client is not None else f"user:{user_of(request).pk}"


def cases_for(request: Request, action: str = access.CASE_VIEW) -> QuerySet[Any]:
    """The cases this caller reaches: the owner's (or person's) access policy, and for a client
    with chosen areas only the cases in those areas (a case not yet placed in an area is in
    none of them)."""
    queryset = access.cases_for(user_of(request), action)
    client = client_of(request)
    if client is not None:
        area_ids = [area.pk for area in client.areas.all()]
        if area_ids:
            queryset = queryset.filter(area_id__in=area_ids)
    return queryset


def client_area_ids(request: Request) -> list[int] | None:
    client = client_of(request)
    if client is None:
        return None
    return [area.pk for area in client.areas.all()] or None
