from django.urls import path

from otklik.problems.api import views

urlpatterns = [
    path("problems", views.ProblemListView.as_view(), name="problems-list"),
    path("problems/<int:pk>", views.ProblemDetailView.as_view(), name="problems-detail"),
    path("problems/ranking", views.RankingView.as_view(), name="problems-ranking"),
    path("problems/lists", views.ProblemListsView.as_view(), name="problems-lists"),
    path(
        "problems/lists/<int:pk>",
        views.ProblemListDetailView.as_view(),
        name="problems-list-detail",
    ),
    path(
        "problems/lists/<int:pk>/items/<int:problem>",
        views.ProblemListItemView.as_view(),
        name="problems-list-item",
    ),
]
