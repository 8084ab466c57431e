"""The SEN2 return: the head of service's report and download, and each record's details."""

from django.urls import path

from cases.sen2 import views

app_name = "sen2"

urlpatterns = [
    path("sen2/", views.sen2_report, name="report"),
    path("sen2/returns/<uuid:public_id>/SEN2.xml", views.sen2_download, name="download"),
    path("sen2/cases/<str:reference>/", views.sen2_details, name="details"),
]
