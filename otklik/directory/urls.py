from django.urls import path

from otklik.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.index, name="index"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("sectors/", views.sector_list, name="sector_list"),
    path("sectors/<slug:code>/", views.sector_detail, name="sector_detail"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("channels/", views.channel_list, name="channel_list"),
]
