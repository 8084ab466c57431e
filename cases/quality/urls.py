"""Quality: audits, complaints, the contact log and surveys."""

from django.urls import path

from cases.quality import views

app_name = "quality"

urlpatterns = [
    path("quality/", views.qa_home, name="home"),
    path("quality/audits/<uuid:public_id>/", views.audit_detail, name="audit"),
    path("quality/complaints/", views.complaint_list, name="complaints"),
    path("quality/complaints/<uuid:public_id>/", views.complaint_detail, name="complaint"),
    path("quality/feedback/", views.survey_comments, name="survey_comments"),
    path("quality/survey/<uuid:token>/", views.survey, name="survey"),
    path("cases/<str:reference>/complaints/new/", views.complaint_new, name="complaint_new"),
    path("cases/<str:reference>/contacts/new/", views.contact_new, name="contact_new"),
    path("cases/<str:reference>/qa-signoff/", views.signoff_request, name="signoff_request"),
    path("track/<str:reference>/complaints/", views.family_complaints, name="family_complaints"),
]
