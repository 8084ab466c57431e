from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from ehcp_portal import views
from ehcp_portal.governance import views as governance_views

admin.site.site_header = "EHCP portal configuration"
admin.site.site_title = "EHCP portal configuration"
# The admin signs in through allauth's sign-in (its limits, its TOTP challenge), never its own
# password-only form: /admin/login/ sends the person to /accounts/login/?next=/admin/.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home, name="home"),
    # The load balancer's probes (ehcp_portal/views.py); /healthz is the readiness check's
    # older name, kept for the deployments that probe it.
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("healthz", views.readyz, name="healthz"),
    # The council's legal pages, edited in the admin (ehcp_portal/governance).
    path(
        "accessibility/",
        governance_views.legal_page,
        {"slug": "accessibility"},
        name="accessibility",
    ),
    path("privacy/", governance_views.legal_page, {"slug": "privacy"}, name="privacy"),
    path("cookies/", governance_views.legal_page, {"slug": "cookies"}, name="cookies"),
    path("contact/", views.static_page, {"template": "contact"}, name="contact"),
    path("accounts/session/", include("ehcp_portal.accounts.urls")),
    # A family's one-time sign-in code (their second factor) and turning it on or off.
    path("accounts/code/", include("ehcp_portal.accounts.code_urls")),
    path("accounts/phone/", include("ehcp_portal.accounts.phone_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Each app keeps its own namespace; the public paths are unchanged (people bookmark them).
    path("", include("cases.urls")),
    path("", include("cases.casework.urls")),
    path("", include("cases.advice.urls")),
    path("", include("cases.assignment.urls")),
    path("", include("cases.plans.urls")),
    path("", include("cases.correspondence.urls")),
    path("", include("cases.members.urls")),
    path("", include("cases.schools.urls")),
    path("", include("cases.quality.urls")),
    path("", include("cases.reporting.urls")),
    path("", include("cases.sen2.urls")),
    # The integration API (/api/v1/, /api/schema/, /api/docs/) and the first API's old paths.
    path("", include("cases.integrations.urls")),
    path("", include("families.urls")),
    path("", include("ehcp_portal.audit.urls")),
    path("panels/", include("panels.urls")),
    path("notifications/", include("notifications.urls")),
    path("governance/", include("ehcp_portal.governance.urls")),
]
