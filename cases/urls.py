from django.urls import path

from cases import documents, views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("advice/", views.advice_home, name="advice_home"),
    path("members/", views.member_home, name="member_home"),
    path("documents/<uuid:public_id>/", documents.document_download, name="document_download"),
]
