from django.urls import include, path

from cases import views
from cases.advice import views as advice_views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("advice/", advice_views.advice_home, name="advice_home"),
    path("members/", views.member_home, name="member_home"),
    path("", include("cases.advice.urls")),
]
