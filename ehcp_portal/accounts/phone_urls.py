from __future__ import annotations

from django.urls import path

from ehcp_portal.accounts import phone_views

app_name = "phone_signin"

urlpatterns = [
    path("", phone_views.phone_start, name="start"),
    path("code/", phone_views.phone_code, name="code"),
]
