from django.urls import path

from otklik.correspondence.api import views

P = "correspondence"

urlpatterns = [
    path(f"{P}/assignments", views.AssignmentListView.as_view(), name="corr-assignments"),
    path(f"{P}/assignments/<int:pk>", views.AssignmentDetailView.as_view(), name="corr-assignment"),
    path(f"{P}/assignments/<int:pk>/summary", views.SummaryView.as_view(), name="corr-summary"),
    path(f"{P}/items", views.ItemListView.as_view(), name="corr-items"),
    path(f"{P}/items/<int:pk>", views.ItemDetailView.as_view(), name="corr-item"),
    path(f"{P}/items/<int:pk>/answer", views.ItemAnswerView.as_view(), name="corr-item-answer"),
    path(f"{P}/items/<int:pk>/accept", views.ItemAcceptView.as_view(), name="corr-item-accept"),
    path(f"{P}/items/<int:pk>/return", views.ItemReturnView.as_view(), name="corr-item-return"),
    path(
        f"{P}/items/<int:pk>/withdraw", views.ItemWithdrawView.as_view(), name="corr-item-withdraw"
    ),
    path(f"{P}/incoming", views.IncomingListView.as_view(), name="corr-incoming-list"),
    path(f"{P}/incoming/<int:pk>", views.IncomingDetailView.as_view(), name="corr-incoming"),
    path(
        f"{P}/incoming/<int:pk>/assign",
        views.IncomingAssignView.as_view(),
        name="corr-incoming-assign",
    ),
    path(
        f"{P}/incoming/<int:pk>/answer",
        views.IncomingAnswerView.as_view(),
        name="corr-incoming-answer",
    ),
]
