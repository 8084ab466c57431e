from django.urls import path

from ehcp_portal.governance import views

app_name = "governance"

urlpatterns = [
    path("subject-access/", views.subject_access, name="subject_access"),
    path(
        "subject-access/children/<int:child_id>/",
        views.subject_access_bundle_create,
        name="bundle_create",
    ),
    path("subject-access/bundles/<uuid:public_id>/", views.bundle, name="bundle"),
    path(
        "subject-access/bundles/<uuid:public_id>/status/",
        views.bundle_status,
        name="bundle_status",
    ),
    path(
        "subject-access/bundles/<uuid:public_id>/download/",
        views.bundle_download,
        name="bundle_download",
    ),
    path("retention/", views.retention, name="retention"),
    path("retention/holds/new/", views.legal_hold_add, name="hold_add"),
    path(
        "retention/holds/<int:hold_id>/release/",
        views.legal_hold_release_view,
        name="hold_release",
    ),
]
