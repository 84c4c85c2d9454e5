from django.urls import path

from otklik.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.picture_view, name="picture"),
    path("processing/", views.processing_view, name="processing"),
    path("satisfaction/", views.satisfaction_view, name="satisfaction"),
    path("conflicts/", views.conflicts_view, name="conflicts"),
    path("cases/", views.cases_view, name="cases"),
    path("ratings/", views.ratings_view, name="ratings"),
    path("ratings/publish/", views.rating_publish_view, name="rating_publish"),
    path("ratings/methodology/", views.methodology_view, name="methodology"),
]
