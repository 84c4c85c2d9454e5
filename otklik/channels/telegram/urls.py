from django.urls import path

from otklik.channels.telegram import views

app_name = "channels_telegram"

urlpatterns = [
    path("webhook/", views.webhook_view, name="webhook"),
]
