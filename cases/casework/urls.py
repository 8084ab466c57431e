"""The caseworker's workbench: caseload, team, the case page and what is done from it."""

from django.urls import path

from cases.casework import views

app_name = "casework"

CASE = "cases/<str:reference>/"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/export.<str:fmt>", views.caseload_export, name="caseload_export"),
    path("caseload/filters/", views.saved_filter_add, name="saved_filter_add"),
    path(
        "caseload/filters/<int:filter_id>/remove/",
        views.saved_filter_remove,
        name="saved_filter_remove",
    ),
    path("caseload/reassign/", views.caseload_reassign, name="caseload_reassign"),
    path("team/", views.team_overview, name="team"),
    path("team/export.<str:fmt>", views.team_export, name="team_export"),
    path("team/timeliness/", views.timeliness, name="timeliness"),
    path("phase-transfers/", views.phase_transfers, name="phase_transfers"),
    path(
        "phase-transfers/export.<str:fmt>",
        views.phase_transfers_export,
        name="phase_transfers_export",
    ),
    path(CASE, views.case_detail, name="case_detail"),
    path(f"{CASE}ehc-plan/", views.case_plan, name="case_plan"),
    path(f"{CASE}advice/", views.case_advice, name="case_advice"),
    path(f"{CASE}panels/", views.case_panels, name="case_panels"),
    path(f"{CASE}documents/", views.case_documents, name="case_documents"),
    path(f"{CASE}messages/", views.case_messages, name="case_messages"),
    path(f"{CASE}timeline/", views.case_timeline, name="case_timeline"),
    path(f"{CASE}actions/", views.case_action, name="case_action"),
    path(f"{CASE}tasks/", views.case_task_add, name="case_task_add"),
    path(f"{CASE}tasks/<int:task_id>/done/", views.case_task_done, name="case_task_done"),
    # The reply's old name: the messages part answers POST at the same address.
    path(f"{CASE}messages/", views.case_messages, name="case_message_send"),
    path(
        f"{CASE}deadlines/<str:key>/exception/",
        views.deadline_exception_add,
        name="deadline_exception_add",
    ),
    path(f"{CASE}clock/<slug:fact>/", views.clock_fact, name="clock_fact"),
    path(f"{CASE}disputes/new/", views.dispute_add, name="dispute_add"),
    path(f"{CASE}disputes/<int:dispute_id>/", views.dispute_edit, name="dispute_edit"),
    path(f"{CASE}reassign/", views.reassign, name="reassign"),
]
