from django.urls import path

from otklik.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<int:pk>/", views.open_view, name="open"),
    path("<int:pk>/<slug:verb>/", views.verb_view, name="verb"),
]
