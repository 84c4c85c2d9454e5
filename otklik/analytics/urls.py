from django.urls import path, re_path

from otklik.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.picture_view, name="picture"),
    path("processing/", views.processing_view, name="processing"),
    path("satisfaction/", views.satisfaction_view, name="satisfaction"),
    path("conflicts/", views.conflicts_view, name="conflicts"),
    path("cases/", views.cases_view, name="cases"),
    re_path(r"^export/(?P<key>[\w-]+)\.(?P<fmt>xlsx|csv)$", views.export_view, name="export"),
    path("report/", views.report_view, name="report"),
    path("report/pdf/", views.report_pdf_view, name="report_pdf"),
    path("package/", views.package_view, name="package"),
    path("ratings/", views.ratings_view, name="ratings"),
    path("ratings/publish/", views.rating_publish_view, name="rating_publish"),
    path("ratings/methodology/", views.methodology_view, name="methodology"),
    path("alerts/", views.alerts_view, name="alerts"),
]
