"""Assignment: the unassigned queue, reasons, overrides, rebalancing and cohort import."""

from django.urls import path

from cases.assignment import views

app_name = "assignment"

urlpatterns = [
    path(
        "cases/<str:reference>/assignment/",
        views.assignment_case,
        name="case",
    ),
    path(
        "cases/<str:reference>/assignment/override/",
        views.assignment_override,
        name="override",
    ),
    path(
        "cases/<str:reference>/assignment/place/",
        views.assignment_place,
        name="place",
    ),
    path("assignment/queue/", views.assignment_queue, name="queue"),
    path("assignment/queue/export.<str:fmt>", views.assignment_queue_export, name="queue_export"),
    path("assignment/triage/", views.assignment_triage, name="triage"),
    path(
        "assignment/triage/export.<str:fmt>",
        views.assignment_triage_export,
        name="triage_export",
    ),
    path("assignment/rebalance/", views.assignment_rebalance, name="rebalance"),
    path("assignment/cohort/", views.assignment_cohort, name="cohort"),
    path(
        "assignment/cohort/<int:pk>/",
        views.assignment_cohort_report,
        name="cohort_report",
    ),
    path(
        "assignment/cohort/<int:pk>/export.<str:fmt>",
        views.assignment_cohort_report_export,
        name="cohort_report_export",
    ),
]
