from django.urls import path

from otklik.office.api import views, views_block_reports

urlpatterns = [
    path("office/blocks", views.BlockListView.as_view(), name="office-blocks"),
    path("office/blocks/<slug:code>", views.BlockDetailView.as_view(), name="office-block"),
    path("office/indicators", views.IndicatorListView.as_view(), name="office-indicators"),
    path(
        "office/indicators/<int:pk>/facts",
        views.IndicatorFactView.as_view(),
        name="office-indicator-facts",
    ),
    path("office/projects", views.ProjectListView.as_view(), name="office-projects"),
    path("office/projects/<int:pk>", views.ProjectDetailView.as_view(), name="office-project"),
    path(
        "office/projects/<int:pk>/change-request",
        views.ChangeRequestView.as_view(),
        name="office-project-change",
    ),
    path(
        "office/projects/<int:pk>/reports",
        views.ReportPrepareView.as_view(),
        name="office-project-reports",
    ),
    path("office/passports/<int:pk>", views.PassportView.as_view(), name="office-passport"),
    path("office/reports/<int:pk>", views.ReportView.as_view(), name="office-report"),
    path(
        "office/blocks/<slug:code>/reports",
        views_block_reports.BlockReportListView.as_view(),
        name="office-block-reports",
    ),
    path(
        "office/block-reports/<int:pk>",
        views_block_reports.BlockReportView.as_view(),
        name="office-block-report",
    ),
    path(
        "office/block-reports/<int:pk>/submit",
        views_block_reports.BlockReportSubmitView.as_view(),
        name="office-block-report-submit",
    ),
]
