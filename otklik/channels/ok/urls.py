from django.urls import path

from otklik.channels.ok import views

app_name = "channels_ok"

urlpatterns = [
    path("webhook/<str:key>/", views.webhook_view, name="webhook"),
]
