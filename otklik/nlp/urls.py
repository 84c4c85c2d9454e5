from django.urls import path

from otklik.nlp import views

app_name = "nlp"

urlpatterns = [
    path("", views.models_view, name="models"),
    path("models/<int:pk>/activate/", views.model_activate_view, name="activate"),
    path("models/rollback/", views.model_rollback_view, name="rollback"),
    path("reprocess/", views.reprocess_start_view, name="reprocess"),
    path("reprocess/<int:pk>/cancel/", views.reprocess_cancel_view, name="reprocess_cancel"),
]
