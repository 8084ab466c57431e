from django.urls import path

from panels import views

app_name = "panels"

urlpatterns = [
    path("", views.panels_home, name="home"),
]
