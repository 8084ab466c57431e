"""The EHC plan: drafting, co-production, consultation, final plan and reviews."""

from django.urls import path

from cases.plans import views, views_family

app_name = "plans"

urlpatterns = [
    path("cases/<str:reference>/plan/", views.plan_summary, name="summary"),
    path("cases/<str:reference>/plan/start/", views.plan_start, name="start"),
    path("cases/<str:reference>/plan/sections/<str:key>/", views.plan_section, name="section"),
    path(
        "cases/<str:reference>/plan/bring-in-advice/",
        views.plan_bring_in_advice,
        name="bring_in_advice",
    ),
    path(
        "cases/<str:reference>/plan/draft-meeting/",
        views.plan_draft_meeting,
        name="draft_meeting",
    ),
    path("cases/<str:reference>/plan/versions/", views.plan_versions, name="versions"),
    path("cases/<str:reference>/plan/diff/", views.plan_diff, name="diff"),
    path("cases/<str:reference>/plan/preview/", views.plan_preview, name="preview"),
    path("cases/<str:reference>/plan/issue-draft/", views.plan_issue_draft, name="issue_draft"),
    path(
        "cases/<str:reference>/plan/consult/", views.consultation_choose, name="consultation_choose"
    ),
    path("cases/<str:reference>/plan/issue-final/", views.plan_issue_final, name="issue_final"),
    path("cases/<str:reference>/plan/files/<uuid:public_id>/", views.plan_file, name="file"),
    path("cases/<str:reference>/plan/reviews/", views.review_list, name="review_list"),
    path(
        "cases/<str:reference>/plan/reviews/<int:review_id>/",
        views.review_detail,
        name="review_detail",
    ),
    path("track/<str:reference>/plan/", views.plan_family, name="family"),
    path(
        "track/<str:reference>/plan/draft.pdf",
        views.plan_family_draft_pdf,
        name="family_draft_pdf",
    ),
    path("track/<str:reference>/plan/respond/", views.plan_family_respond, name="family_respond"),
    path(
        "track/<str:reference>/plan/versions/",
        views_family.family_versions,
        name="family_versions",
    ),
    path(
        "track/<str:reference>/about-your-child/",
        views_family.family_section_a,
        name="family_section_a",
    ),
    path("school/consultations/", views.consultation_list, name="consultation_list"),
    path(
        "school/consultations/<uuid:public_id>/",
        views.consultation_respond,
        name="consultation_respond",
    ),
    path("school/plans/<str:reference>/", views.plan_setting, name="setting"),
]
