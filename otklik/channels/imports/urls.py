from django.urls import path

from otklik.channels.imports import views

app_name = "channels_imports"

urlpatterns = [
    path("", views.import_view, name="upload"),
    path("<int:pk>/", views.batch_view, name="batch"),
    path("<int:pk>/confirm", views.batch_confirm_view, name="confirm"),
]
