from django.urls import path

from otklik.channels.vk import views

app_name = "channels_vk"

urlpatterns = [
    path("callback/", views.callback_view, name="callback"),
]
