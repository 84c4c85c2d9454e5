from django.urls import path

from otklik.problems.api import views

urlpatterns = [
    path("problems", views.ProblemListView.as_view(), name="problems-list"),
    path("problems/<int:pk>", views.ProblemDetailView.as_view(), name="problems-detail"),
]
