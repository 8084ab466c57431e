from django.urls import path

from cases import api, views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("advice/", views.advice_home, name="advice_home"),
    path("members/", views.member_home, name="member_home"),
]

urlpatterns += [
    path("api/cases/", api.CaseList.as_view(), name="api_case_list"),
    path("api/cases/<str:reference>/", api.CaseDetail.as_view(), name="api_case_detail"),
]

# The EHC plan: drafting, co-production, consultation, final plan and reviews (cases/plans/).
from cases.plans.urls import urlpatterns as plan_urlpatterns  # noqa: E402

urlpatterns += plan_urlpatterns
