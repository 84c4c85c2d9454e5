from django.urls import path

from otklik.analytics.api import views

urlpatterns = [
    path("analytics/picture", views.PictureView.as_view(), name="analytics-picture"),
    path("analytics/processing", views.ProcessingView.as_view(), name="analytics-processing"),
    path("analytics/satisfaction", views.SatisfactionView.as_view(), name="analytics-satisfaction"),
    path("analytics/conflicts", views.ConflictsView.as_view(), name="analytics-conflicts"),
    path("analytics/measures", views.MeasuresView.as_view(), name="analytics-measures"),
    path("analytics/ratings", views.RatingsView.as_view(), name="analytics-ratings"),
    path("analytics/cases", views.DrillCasesView.as_view(), name="analytics-cases"),
]
