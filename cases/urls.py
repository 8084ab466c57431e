"""The case itself: its documents. The workbench pages are in cases.casework; the JSON API is
cases.integrations."""

from django.urls import path

from cases import documents

app_name = "cases"

urlpatterns = [
    path("documents/<uuid:public_id>/", documents.document_download, name="document_download"),
]
