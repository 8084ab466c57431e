from django.urls import path

from families import assisted_accounts, views

app_name = "families"

urlpatterns = [
    path("family/", views.family_home, name="home"),
    path("family/children/add/", views.child_add, name="child_add"),
    path("family/requests/new/", views.request_start, name="request_start"),
    path("family/claim/", views.claim, name="claim"),
    path("school/", views.school_home, name="school_home"),
    path("school/requests/new/", views.school_request_start, name="school_request_start"),
    path("assisted/requests/new/", views.assisted_request_start, name="assisted_request_start"),
    path("requests/<uuid:draft_id>/", views.request_resume, name="request_resume"),
    path("requests/<uuid:draft_id>/check/", views.request_check, name="request_check"),
    path("requests/<uuid:draft_id>/invite/", views.request_invite, name="request_invite"),
    path("requests/<uuid:draft_id>/evidence/", views.request_evidence, name="request_evidence"),
    path(
        "requests/<uuid:draft_id>/evidence/<uuid:document_id>/remove/",
        views.request_evidence_remove,
        name="request_evidence_remove",
    ),
    path("requests/<uuid:draft_id>/done/", views.request_done, name="request_done"),
    path(
        "requests/<uuid:draft_id>/claim-code/", views.request_claim_code, name="request_claim_code"
    ),
    path("requests/<uuid:draft_id>/<slug:step>/", views.request_step, name="request_step"),
    path("track/<str:reference>/", views.track, name="track"),
    path("track/<str:reference>/messages/", views.track_message_send, name="track_message_send"),
    path(
        "track/<str:reference>/consents/revoke/",
        views.track_consent_revoke,
        name="track_consent_revoke",
    ),
    path("track/<str:reference>/withdraw/", views.track_withdraw, name="track_withdraw"),
    path(
        "cases/<str:reference>/family-account/",
        assisted_accounts.assisted_account_new,
        name="assisted_account_new",
    ),
]
