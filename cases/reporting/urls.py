"""The performance dashboard."""

from django.urls import path

from cases.reporting import views

app_name = "reporting"

urlpatterns = [
    path("reporting/", views.dashboard, name="dashboard"),
    path("reporting/tables/<slug:table>.<str:fmt>", views.table_download, name="download"),
    path("reporting/cases/", views.figure_cases, name="cases"),
    path("reporting/cases/export.<str:fmt>", views.figure_cases_export, name="cases_export"),
]
