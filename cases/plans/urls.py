"""Plan URLs, appended to cases/urls.py (namespace "cases")."""

from django.urls import path

from cases.plans import views

urlpatterns = [
    path("cases/<str:reference>/plan/", views.plan_summary, name="plan_summary"),
    path("cases/<str:reference>/plan/start/", views.plan_start, name="plan_start"),
    path("cases/<str:reference>/plan/sections/<str:key>/", views.plan_section, name="plan_section"),
    path(
        "cases/<str:reference>/plan/bring-in-advice/",
        views.plan_bring_in_advice,
        name="plan_bring_in_advice",
    ),
    path(
        "cases/<str:reference>/plan/draft-meeting/",
        views.plan_draft_meeting,
        name="plan_draft_meeting",
    ),
    path("cases/<str:reference>/plan/versions/", views.plan_versions, name="plan_versions"),
    path("cases/<str:reference>/plan/diff/", views.plan_diff, name="plan_diff"),
    path("cases/<str:reference>/plan/preview/", views.plan_preview, name="plan_preview"),
    path(
        "cases/<str:reference>/plan/issue-draft/", views.plan_issue_draft, name="plan_issue_draft"
    ),
    path(
        "cases/<str:reference>/plan/consult/", views.consultation_choose, name="consultation_choose"
    ),
    path(
        "cases/<str:reference>/plan/issue-final/", views.plan_issue_final, name="plan_issue_final"
    ),
    path("cases/<str:reference>/plan/files/<uuid:public_id>/", views.plan_file, name="plan_file"),
    path("cases/<str:reference>/plan/reviews/", views.review_list, name="review_list"),
    path(
        "cases/<str:reference>/plan/reviews/<int:review_id>/",
        views.review_detail,
        name="review_detail",
    ),
    path("track/<str:reference>/plan/", views.plan_family, name="plan_family"),
    path(
        "track/<str:reference>/plan/respond/", views.plan_family_respond, name="plan_family_respond"
    ),
    path("school/consultations/", views.consultation_list, name="consultation_list"),
    path(
        "school/consultations/<uuid:public_id>/",
        views.consultation_respond,
        name="consultation_respond",
    ),
    path("school/plans/<str:reference>/", views.plan_setting, name="plan_setting"),
]
