from django.urls import path

from panels import views

app_name = "panels"

urlpatterns = [
    path("", views.panels_home, name="home"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.agenda_build, name="agenda_build"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        views.agenda_remove,
        name="agenda_remove",
    ),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="publish"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="close"),
    path("meetings/<int:pk>/minutes/", views.minutes_download, name="minutes"),
    path("meetings/<int:pk>/decision/", views.decision_record, name="decision"),
    path("meetings/<int:pk>/items/<int:item_pk>/", views.item_detail, name="item"),
    path(
        "meetings/<int:pk>/items/<int:item_pk>/evidence/<uuid:public_id>/",
        views.evidence_download,
        name="evidence",
    ),
    path("ratification/", views.ratification, name="ratification"),
    path("decisions/<int:decision_pk>/ratify/", views.decision_ratify, name="ratify"),
    path("cases/<str:reference>/put-forward/", views.paper_put_forward, name="put_forward"),
]
