"""Elected members' casework: their queries, the council's inbox and the family's consent."""

from django.urls import path

from cases.members import views

INBOX = "members/inbox/<uuid:public_id>/"

app_name = "members"

urlpatterns = [
    path("members/", views.member_home, name="home"),
    path("members/new/", views.member_enquiry_new, name="enquiry_new"),
    path("members/queries/<uuid:public_id>/", views.member_enquiry, name="enquiry"),
    path("members/cases/<str:reference>/", views.member_case, name="case"),
    path("members/inbox/", views.member_inbox, name="inbox"),
    path(INBOX, views.member_inbox_detail, name="inbox_detail"),
    path(f"{INBOX}match/", views.member_inbox_match, name="inbox_match"),
    path(f"{INBOX}route/", views.member_inbox_route, name="inbox_route"),
    path(f"{INBOX}assign/", views.member_inbox_assign, name="inbox_assign"),
    path(f"{INBOX}reply/", views.member_inbox_reply, name="inbox_reply"),
    path(f"{INBOX}close/", views.member_inbox_close, name="inbox_close"),
    path("members/reports/", views.member_reports, name="reports"),
    path("track/<str:reference>/members/", views.member_family, name="family"),
]
