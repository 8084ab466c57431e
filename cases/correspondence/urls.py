from __future__ import annotations

from django.urls import path

from cases.correspondence import views

app_name = "correspondence"

urlpatterns = [
    path(
        "letters/case/<str:reference>/status/",
        views.case_letters_status,
        name="case_letters_status",
    ),
    path("letters/bulk/", views.bulk_list, name="bulk_list"),
    path("letters/bulk/new/", views.bulk_new, name="bulk_new"),
    path("letters/bulk/sample/", views.bulk_sample, name="bulk_sample"),
    path("letters/bulk/<int:pk>/", views.bulk_detail, name="bulk_detail"),
    path("letters/bulk/<int:pk>/status/", views.bulk_status, name="bulk_status"),
]
