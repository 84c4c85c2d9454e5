from django.urls import path

from otklik.channels.desk import views

app_name = "channels_desk"

urlpatterns = [
    path("", views.register_view, name="register"),
]
