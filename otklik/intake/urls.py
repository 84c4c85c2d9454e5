from django.urls import path

from otklik.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.message_list_view, name="message_list"),
    path("<int:pk>/", views.message_detail_view, name="message_detail"),
    path("quarantine/", views.quarantine_view, name="quarantine"),
    path("quarantine/<int:pk>/<slug:verb>/", views.quarantine_verb_view, name="quarantine_verb"),
]
