from django.urls import path

from otklik.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list_view, name="list"),
    path("export/", views.export_view, name="export"),
    path("<int:pk>/", views.document_detail_view, name="detail"),
    path("<int:pk>/pdf/", views.document_pdf_view, name="pdf"),
    path("<int:pk>/sign/", views.sign_qualified_view, name="sign"),
    path(
        "<int:pk>/signatures/<int:signature>/",
        views.signature_file_view,
        name="signature",
    ),
    path(
        "<int:pk>/attachments/<int:attachment>/",
        views.attachment_view,
        name="attachment",
    ),
]
