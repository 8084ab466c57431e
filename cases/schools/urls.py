from django.urls import path

from cases.schools import views

app_name = "schools"

urlpatterns = [
    path("schools/", views.home, name="home"),
    path("schools/pupils/<str:reference>/", views.pupil, name="pupil"),
    path("schools/pupils/<str:reference>/review/", views.review, name="review"),
    path("schools/pupils/<str:reference>/review/circulate/", views.circulate, name="circulate"),
    path("schools/pupils/<str:reference>/review/report/", views.report, name="report"),
    path("schools/pupils/<str:reference>/provision/", views.provision, name="provision"),
    path("schools/phase-transfers/", views.phase_transfers, name="phase_transfers"),
    path(
        "schools/invitations/<int:invitation_id>/views/",
        views.invitee_views,
        name="invitee_views",
    ),
    path("schools/family/<str:reference>/", views.family, name="family"),
    path(
        "schools/family/<str:reference>/provision/",
        views.family_provision,
        name="family_provision",
    ),
    path("schools/council/<str:reference>/", views.staff_review, name="staff_review"),
]
