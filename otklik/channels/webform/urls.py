from django.urls import path

from otklik.channels.webform import views

app_name = "channels_webform"

urlpatterns = [
    path("", views.report_view, name="report"),
    path("hints/", views.hints_view, name="hints"),
    path("track/<str:token>/", views.track_view, name="track"),
    path("track/<str:token>/survey/", views.track_survey_view, name="track_survey"),
]
