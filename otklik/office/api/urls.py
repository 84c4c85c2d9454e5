from django.urls import path

from otklik.office.api import views, views_block_reports, views_roadmap, views_work

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
    # the working documents (views_work): risks, questions and tasks, groups, plans, assessment
    path("office/risks", views_work.RiskListView.as_view(), name="office-risks"),
    path("office/risks/<int:pk>", views_work.RiskDetailView.as_view(), name="office-risk"),
    path(
        "office/risks/<int:pk>/status",
        views_work.RiskStatusView.as_view(),
        name="office-risk-status",
    ),
    path(
        "office/risks/<int:pk>/question",
        views_work.RiskQuestionView.as_view(),
        name="office-risk-question",
    ),
    path(
        "office/reports/<int:pk>/question",
        views_work.ReportQuestionView.as_view(),
        name="office-report-question",
    ),
    path("office/questions", views_work.QuestionListView.as_view(), name="office-questions"),
    path(
        "office/questions/<int:pk>",
        views_work.QuestionDetailView.as_view(),
        name="office-question",
    ),
    path(
        "office/questions/<int:pk>/decide",
        views_work.QuestionDecideView.as_view(),
        name="office-question-decide",
    ),
    path("office/tasks", views_work.TaskListView.as_view(), name="office-tasks"),
    path("office/tasks/<int:pk>/done", views_work.TaskDoneView.as_view(), name="office-task-done"),
    path("office/groups", views_work.GroupListView.as_view(), name="office-groups"),
    path("office/groups/<int:pk>", views_work.GroupDetailView.as_view(), name="office-group"),
    path(
        "office/groups/<int:pk>/change-request",
        views_work.GroupChangeView.as_view(),
        name="office-group-change",
    ),
    path("office/plans", views_work.PlanListView.as_view(), name="office-plans"),
    path("office/plans/<int:pk>", views_work.PlanDetailView.as_view(), name="office-plan"),
    path("office/assessments", views_work.AssessmentListView.as_view(), name="office-assessments"),
    path(
        "office/assessments/<str:period>",
        views_work.AssessmentDetailView.as_view(),
        name="office-assessment",
    ),
    path(
        "office/assessments/<str:period>/publish",
        views_work.AssessmentPublishView.as_view(),
        name="office-assessment-publish",
    ),
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
