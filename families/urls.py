from django.urls import path

from families import views

app_name = "families"

urlpatterns = [
    path("family/", views.family_home, name="home"),
    path("school/", views.school_home, name="school_home"),
    path("track/<str:reference>/", views.track, name="track"),
]
