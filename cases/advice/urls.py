from django.urls import path

from cases.advice import views

app_name = "advice"

urlpatterns = [
    path("advice/", views.advice_home, name="home"),
    path("cases/<str:reference>/advice/request/", views.advice_request_new, name="request_new"),
    path("advice/<uuid:public_id>/", views.advice_request_detail, name="detail"),
    path("advice/<uuid:public_id>/submit/", views.advice_request_submit, name="submit"),
    path("advice/<uuid:public_id>/decline/", views.advice_request_decline, name="decline"),
    path(
        "track/<str:reference>/advice/<uuid:public_id>.pdf",
        views.advice_family_pdf,
        name="family_pdf",
    ),
    path("advice/sign-in/", views.sign_in_link_request, name="sign_in"),
    path("advice/sign-in/<str:token>/", views.sign_in_link_confirm, name="sign_in_use"),
]
