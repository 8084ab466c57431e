from django.urls import path

from cases import api, views
from cases.members import views as member_views
from cases.members.urls import urlpatterns as member_urlpatterns

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("advice/", views.advice_home, name="advice_home"),
    path("members/", member_views.member_home, name="member_home"),
    *member_urlpatterns,
]

urlpatterns += [
    path("api/cases/", api.CaseList.as_view(), name="api_case_list"),
    path("api/cases/<str:reference>/", api.CaseDetail.as_view(), name="api_case_detail"),
]
