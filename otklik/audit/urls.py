from django.urls import path, re_path

from otklik.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    re_path(r"^export\.(?P<fmt>xlsx|csv)$", views.event_export, name="event_export"),
]
