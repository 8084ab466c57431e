from __future__ import annotations

from django.urls import path

from ehcp_portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.session_status, name="session_status"),
    path("extend/", views.session_extend, name="session_extend"),
]
