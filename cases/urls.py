"""The case itself: its documents and the JSON API. The workbench pages are in cases.casework."""

from django.urls import path

from cases import api, documents

app_name = "cases"

urlpatterns = [
    path("documents/<uuid:public_id>/", documents.document_download, name="document_download"),
    path("api/cases/", api.CaseList.as_view(), name="api_case_list"),
    path("api/cases/<str:reference>/", api.CaseDetail.as_view(), name="api_case_detail"),
]
