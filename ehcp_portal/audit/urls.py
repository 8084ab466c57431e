"""The access log's pages: the family's (beside their tracker) and the data protection officer's."""

from __future__ import annotations

from django.urls import path

from ehcp_portal.audit import views

app_name = "audit"
urlpatterns = [
    path("track/<str:reference>/who-has-seen/", views.seen_by, name="seen_by"),
    path("access-log/", views.search, name="search"),
    path("access-log/export/", views.export, name="export"),
]
