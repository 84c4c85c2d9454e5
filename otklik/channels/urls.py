from django.urls import path

from otklik.channels import views

app_name = "channels"

urlpatterns = [
    path("", views.health_view, name="health"),
]
