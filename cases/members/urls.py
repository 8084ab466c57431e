"""Spliced into cases/urls.py (names live in the "cases" namespace, prefixed member_)."""

from django.urls import path

from cases.members import views

INBOX = "members/inbox/<uuid:public_id>/"

urlpatterns = [
    path("members/new/", views.member_enquiry_new, name="member_enquiry_new"),
    path("members/queries/<uuid:public_id>/", views.member_enquiry, name="member_enquiry"),
    path("members/cases/<str:reference>/", views.member_case, name="member_case"),
    path("members/inbox/", views.member_inbox, name="member_inbox"),
    path(INBOX, views.member_inbox_detail, name="member_inbox_detail"),
    path(f"{INBOX}match/", views.member_inbox_match, name="member_inbox_match"),
    path(f"{INBOX}route/", views.member_inbox_route, name="member_inbox_route"),
    path(f"{INBOX}assign/", views.member_inbox_assign, name="member_inbox_assign"),
    path(f"{INBOX}reply/", views.member_inbox_reply, name="member_inbox_reply"),
    path(f"{INBOX}close/", views.member_inbox_close, name="member_inbox_close"),
    path("members/reports/", views.member_reports, name="member_reports"),
    path("track/<str:reference>/members/", views.member_family, name="member_family"),
]
