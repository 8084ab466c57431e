"""The integration API, versioned under /api/v1/, with its schema and documentation. The first
two paths of the API (/api/cases/, /api/cases/<reference>/) stay as aliases of v1's."""

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from cases.integrations import docs, views, views_write
from cases.integrations.events import EventFeed

app_name = "integrations"

# Any path segment (`str`) reaches the view, which answers a 404 problem for what it does not
# know: an id that is not a UUID, a version that is not a number.

urlpatterns = [
    # The first API's paths, kept for whoever bookmarked or scripted them: the list was of open
    # cases only, so its redirect says so.
    path(
        "api/cases/",
        RedirectView.as_view(url="/api/v1/cases/?is_open=true", permanent=False),
        name="api_case_list",
    ),
    path(
        "api/cases/<str:reference>/",
        RedirectView.as_view(url="/api/v1/cases/%(reference)s/", permanent=False),
        name="api_case_detail",
    ),
    path("api/v1/events/", EventFeed.as_view(), name="event_feed"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs.api_docs, name="docs"),
    path("api/v1/cases/", views.CaseList.as_view(), name="case_list"),
    path("api/v1/cases/<str:reference>/", views.CaseDetail.as_view(), name="case_detail"),
    path(
        "api/v1/cases/<str:reference>/timeline/", views.CaseTimeline.as_view(), name="case_timeline"
    ),
    path(
        "api/v1/cases/<str:reference>/documents/",
        views.CaseDocuments.as_view(),
        name="case_documents",
    ),
    path(
        "api/v1/cases/<str:reference>/documents/<str:document>/",
        views.DocumentDownload.as_view(),
        name="document_download",
    ),
    path("api/v1/cases/<str:reference>/child/", views.CaseChild.as_view(), name="case_child"),
    path(
        "api/v1/cases/<str:reference>/child/upn/",
        views_write.ChildUpnUpdate.as_view(),
        name="child_upn_update",
    ),
    path(
        "api/v1/cases/<str:reference>/advice-requests/",
        views.CaseAdviceRequests.as_view(),
        name="case_advice_requests",
    ),
    path(
        "api/v1/cases/<str:reference>/decisions/",
        views.CaseDecisions.as_view(),
        name="case_decisions",
    ),
    path("api/v1/cases/<str:reference>/plan/", views.CasePlan.as_view(), name="case_plan"),
    path(
        "api/v1/cases/<str:reference>/plan/versions/<str:number>/",
        views.CasePlanVersion.as_view(),
        name="case_plan_version",
    ),
    path(
        "api/v1/cases/<str:reference>/placements/",
        views_write.PlacementRecord.as_view(),
        name="placement_record",
    ),
    path("api/v1/requests/", views_write.RequestSubmit.as_view(), name="request_submit"),
    path("api/v1/advice-requests/", views.AdviceInbox.as_view(), name="advice_inbox"),
    path(
        "api/v1/advice-requests/<str:advice_request>/advice/",
        views_write.AdviceRecord.as_view(),
        name="advice_record",
    ),
]
