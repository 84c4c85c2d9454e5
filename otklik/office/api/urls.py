from django.urls import path

from otklik.office.api import views, views_roadmap

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
    path("office/programmes", views_roadmap.ProgrammeListView.as_view(), name="office-programmes"),
    path("office/roadmap", views_roadmap.RoadmapListView.as_view(), name="office-roadmap"),
    path(
        "office/roadmap/<int:pk>",
        views_roadmap.RoadmapItemView.as_view(),
        name="office-roadmap-item",
    ),
    path(
        "office/roadmap/<int:pk>/status",
        views_roadmap.RoadmapStatusView.as_view(),
        name="office-roadmap-status",
    ),
    path(
        "office/roadmap/<int:pk>/done",
        views_roadmap.RoadmapDoneView.as_view(),
        name="office-roadmap-done",
    ),
]
