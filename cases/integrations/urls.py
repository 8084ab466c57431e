"""The integration API, versioned under /api/v1/, with its schema and documentation. The first
two paths of the API (/api/cases/, /api/cases/<reference>/) stay as aliases of v1's."""

from django.urls import path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from cases.integrations import docs, views, views_write

app_name = "integrations"

# Any segment reaches the view, which answers a 404 problem for what it does not know.
REFERENCE = r"(?P<reference>[^/]+)"

urlpatterns = [
    # The first API's paths, kept for whoever bookmarked or scripted them: the list was of open
    # cases only, so its redirect says so.
    path(
        "api/cases/",
        RedirectView.as_view(url="/api/v1/cases/?is_open=true", permanent=False),
        name="api_case_list",
    ),
    re_path(
        rf"^api/cases/{REFERENCE}/$",
        RedirectView.as_view(url="/api/v1/cases/%(reference)s/", permanent=False),
        name="api_case_detail",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", docs.api_docs, name="docs"),
    path("api/v1/cases/", views.CaseList.as_view(), name="case_list"),
    re_path(rf"^api/v1/cases/{REFERENCE}/$", views.CaseDetail.as_view(), name="case_detail"),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/timeline/$", views.CaseTimeline.as_view(), name="case_timeline"
    ),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/documents/$",
        views.CaseDocuments.as_view(),
        name="case_documents",
    ),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/documents/(?P<document>[^/]+)/$",
        views.DocumentDownload.as_view(),
        name="document_download",
    ),
    re_path(rf"^api/v1/cases/{REFERENCE}/child/$", views.CaseChild.as_view(), name="case_child"),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/child/upn/$",
        views_write.ChildUpnUpdate.as_view(),
        name="child_upn_update",
    ),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/advice-requests/$",
        views.CaseAdviceRequests.as_view(),
        name="case_advice_requests",
    ),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/decisions/$",
        views.CaseDecisions.as_view(),
        name="case_decisions",
    ),
    re_path(rf"^api/v1/cases/{REFERENCE}/plan/$", views.CasePlan.as_view(), name="case_plan"),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/plan/versions/(?P<number>[^/]+)/$",
        views.CasePlanVersion.as_view(),
        name="case_plan_version",
    ),
    re_path(
        rf"^api/v1/cases/{REFERENCE}/placements/$",
        views_write.PlacementRecord.as_view(),
        name="placement_record",
    ),
    path("api/v1/requests/", views_write.RequestSubmit.as_view(), name="request_submit"),
    path("api/v1/advice-requests/", views.AdviceInbox.as_view(), name="advice_inbox"),
    re_path(
        r"^api/v1/advice-requests/(?P<advice_request>[^/]+)/advice/$",
        views_write.AdviceRecord.as_view(),
        name="advice_record",
    ),
]
