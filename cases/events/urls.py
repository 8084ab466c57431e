from django.urls import path

from cases.events import api

app_name = "events"

urlpatterns = [
    path("api/v1/events/", api.EventFeed.as_view(), name="api_event_feed"),
]
