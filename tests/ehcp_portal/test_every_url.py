"""A safety net over every URL the portal serves: a signed-out visitor gets the public pages
and nothing else (a sign-in redirect, a 404 or a refusal; never a page of data, never a 500),
and a family member signed in gets nothing of the staff, panel, member or advice pages."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, family_for

PUBLIC = {
    "",
    "healthz",
    "livez",
    "readyz",
    "accessibility/",
    "privacy/",
    "cookies/",
    "contact/",
    "api/schema/",  # the API's description: no data
    "api/docs/",
}
PUBLIC_PREFIXES = ("accounts/", "admin/", "static/", "advice/sign-in")


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _fill(route: str, reference: str) -> str | None:
    import re

    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "uuid":
            return str(uuid.uuid4())
        if converter == "int":
            return "1"
        if name == "reference":
            return reference
        return "x"

    if "(?P<" in route or "^" in route:
        return None  # regex routes belong to third-party apps (allauth, admin)
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _portal_urls(reference: str) -> list[str]:
    urls = []
    for route, _ in _patterns(get_resolver()):
        if route in PUBLIC or route.startswith(PUBLIC_PREFIXES):
            continue
        url = _fill(route, reference)
        if url:
            urls.append(url)
    return sorted(set(urls))


def test_signed_out_visitors_get_no_portal_page(client, db):
    case = CaseFactory()
    family_for(case)
    urls = _portal_urls(case.reference)
    assert len(urls) > 60  # the check really walks the portal
    leaks = {}
    for url in urls:
        status = client.get(url).status_code
        if status not in (302, 401, 403, 404, 405):  # 401: the API asks for its token
            leaks[url] = status
    assert leaks == {}


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.HEAD_OF_SERVICE)])
def test_outsiders_get_nothing_about_a_case_they_are_not_linked_to(client, user_of_role, role):
    # Staff roles are made in a team of another area; everyone else has no link to the case.
    case = CaseFactory()
    family_for(case)
    client.force_login(user_of_role(role))
    leaks = {}
    for url in _portal_urls(case.reference):
        if case.reference not in url:
            continue
        status = client.get(url).status_code
        if status not in (302, 401, 403, 404, 405):  # 401: the API asks for its token
            leaks[url] = status
    assert leaks == {}
