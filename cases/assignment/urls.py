from django.urls import path

from cases.assignment import views

urlpatterns = [
    path(
        "cases/<str:reference>/assignment/",
        views.assignment_case,
        name="assignment_case",
    ),
    path(
        "cases/<str:reference>/assignment/override/",
        views.assignment_override,
        name="assignment_override",
    ),
    path("assignment/queue/", views.assignment_queue, name="assignment_queue"),
    path("assignment/rebalance/", views.assignment_rebalance, name="assignment_rebalance"),
    path("assignment/cohort/", views.assignment_cohort, name="assignment_cohort"),
    path(
        "assignment/cohort/<int:pk>/",
        views.assignment_cohort_report,
        name="assignment_cohort_report",
    ),
]
