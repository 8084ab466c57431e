from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("failed/", views.failed, name="failed"),
    path("failed/<int:notification_id>/retry/", views.retry, name="retry"),
    path("notify/callback/", views.notify_callback, name="notify_callback"),
]
