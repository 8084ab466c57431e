from django.urls import include, path

from cases import api, documents, views
from cases.advice import views as advice_views
from cases.members import views as member_views
from cases.members.urls import urlpatterns as member_urlpatterns

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("advice/", advice_views.advice_home, name="advice_home"),
    path("members/", member_views.member_home, name="member_home"),
    *member_urlpatterns,
    path("documents/<uuid:public_id>/", documents.document_download, name="document_download"),
    path("", include("cases.advice.urls")),
]

urlpatterns += [
    path("api/cases/", api.CaseList.as_view(), name="api_case_list"),
    path("api/cases/<str:reference>/", api.CaseDetail.as_view(), name="api_case_detail"),
]

urlpatterns += [
    path("cases/<str:reference>/actions/", views.case_action, name="case_action"),
    path("cases/<str:reference>/tasks/", views.case_task_add, name="case_task_add"),
    path(
        "cases/<str:reference>/tasks/<int:task_id>/done/",
        views.case_task_done,
        name="case_task_done",
    ),
    path("cases/<str:reference>/messages/", views.case_message_send, name="case_message_send"),
    path(
        "cases/<str:reference>/deadlines/<str:key>/exception/",
        views.deadline_exception_add,
        name="deadline_exception_add",
    ),
    path("cases/<str:reference>/disputes/new/", views.dispute_add, name="dispute_add"),
    path(
        "cases/<str:reference>/disputes/<int:dispute_id>/",
        views.dispute_edit,
        name="dispute_edit",
    ),
    path("cases/<str:reference>/reassign/", views.reassign, name="reassign"),
    path("team/timeliness/", views.timeliness, name="timeliness"),
]

from django.urls import include  # noqa: E402

urlpatterns += [path("", include("cases.assignment.urls"))]
# The EHC plan: drafting, co-production, consultation, final plan and reviews (cases/plans/).
from cases.plans.urls import urlpatterns as plan_urlpatterns  # noqa: E402

urlpatterns += plan_urlpatterns
