from django.urls import path

from otklik.documents.api import views

urlpatterns = [
    path("documents", views.DocumentListView.as_view(), name="documents-list"),
    path("documents/export", views.ExportView.as_view(), name="documents-export"),
    path("documents/<int:pk>", views.DocumentDetailView.as_view(), name="documents-detail"),
    path("documents/<int:pk>/pdf", views.DocumentPdfView.as_view(), name="documents-pdf"),
    path("documents/<int:pk>/signatures", views.SignQualifiedView.as_view(), name="documents-sign"),
    path(
        "documents/<int:pk>/attachments/<int:attachment>",
        views.AttachmentView.as_view(),
        name="documents-attachment",
    ),
]
