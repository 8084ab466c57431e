"""Request types for views.

A view behind `login_required` only ever sees a signed-in user, but Django types
`HttpRequest.user` as `User | AnonymousUser`. Annotating such a view's request as
`AuthenticatedHttpRequest` says what the decorator guarantees, so the checker knows
`request.user` is a `User` without a cast at every use (the pattern django-stubs recommends).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.http import HttpRequest

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """Only for views (and their helpers) behind `login_required`: never instantiated."""

    user: User


def is_signed_in(request: HttpRequest) -> TypeGuard[AuthenticatedHttpRequest]:
    """`request.user.is_authenticated`, for views that serve both: narrows the request itself,
    so after the check it can be passed to helpers that need a signed-in user."""
    return request.user.is_authenticated
