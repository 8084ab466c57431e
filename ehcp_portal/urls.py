from django.contrib import admin
from django.urls import include, path

from ehcp_portal import views

admin.site.site_header = "EHCP portal configuration"
admin.site.site_title = "EHCP portal configuration"

urlpatterns = [
    path("", views.start, name="start"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.static_page, {"template": "accessibility"}, name="accessibility"),
    path("privacy/", views.static_page, {"template": "privacy"}, name="privacy"),
    path("contact/", views.static_page, {"template": "contact"}, name="contact"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Each app keeps its own namespace; the public paths are unchanged (people bookmark them).
    path("", include("cases.urls")),
    path("", include("cases.casework.urls")),
    path("", include("cases.advice.urls")),
    path("", include("cases.assignment.urls")),
    path("", include("cases.plans.urls")),
    path("", include("cases.members.urls")),
    path("", include("families.urls")),
    path("", include("ehcp_portal.audit.urls")),
    path("panels/", include("panels.urls")),
    path("notifications/", include("notifications.urls")),
]
