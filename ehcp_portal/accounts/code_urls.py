from __future__ import annotations

from django.urls import path

from ehcp_portal.accounts import code_views

app_name = "signin_code"

urlpatterns = [
    path("", code_views.code_enter, name="enter"),
    path("send/", code_views.code_resend, name="resend"),
    path("settings/", code_views.code_settings, name="settings"),
]
