from django.urls import path

from otklik.office import (
    views,
    views_assessment,
    views_block_reports,
    views_groups,
    views_plans,
    views_risks,
)

app_name = "office"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("indicators/", views.indicators_view, name="indicators"),
    path("indicators/<int:pk>/fact/", views.indicator_fact_view, name="indicator_fact"),
    path("block/<slug:code>/", views.block_view, name="block"),
    path("block/<slug:code>/new/", views.project_create_view, name="project_create"),
    path("project/<int:pk>/", views.project_view, name="project"),
    path("project/<int:pk>/change/", views.change_request_view, name="change"),
    path("project/<int:pk>/<slug:verb>/", views.project_verb_view, name="project_verb"),
    path("passport/<int:pk>/", views.passport_view, name="passport"),
    path("passport/<int:pk>/edit/", views.passport_edit_view, name="passport_edit"),
    path("passport/<int:pk>/print.<slug:fmt>", views.passport_print_view, name="passport_print"),
    path("report/<int:pk>/", views.report_view, name="report"),
    path("report/<int:pk>/edit/", views.report_edit_view, name="report_edit"),
    path("report/<int:pk>/print.<slug:fmt>", views.report_print_view, name="report_print"),
    path(
        "block/<slug:code>/reports/new/",
        views_block_reports.block_report_prepare_view,
        name="block_report_prepare",
    ),
    path("block-report/<int:pk>/", views_block_reports.block_report_view, name="block_report"),
    path(
        "block-report/<int:pk>/edit/",
        views_block_reports.block_report_edit_view,
        name="block_report_edit",
    ),
    path(
        "block-report/<int:pk>/print.<slug:fmt>",
        views_block_reports.block_report_print_view,
        name="block_report_print",
    ),
    path("project/<int:pk>/risks/new/", views_risks.risk_create_view, name="risk_create"),
    path("report/<int:pk>/question/", views_risks.report_question_view, name="report_question"),
    path("risks/", views_risks.risks_view, name="risks"),
    path("plans/", views_plans.plans_view, name="plans"),
    path("assessment/", views_assessment.assessments_view, name="assessments"),
    path("assessment/<str:period>/", views_assessment.assessment_view, name="assessment"),
    path("plan/<int:pk>/", views_plans.plan_view, name="plan"),
    path("plan/<int:pk>/print.<slug:fmt>", views_plans.plan_print_view, name="plan_print"),
    path("risk/<int:pk>/", views_risks.risk_view, name="risk"),
    path("question/<int:pk>/", views_risks.question_view, name="question"),
    path("block/<slug:code>/groups/new/", views_groups.group_create_view, name="group_create"),
    path("group/<int:pk>/", views_groups.group_view, name="group"),
    path("group/version/<int:pk>/", views_groups.group_version_view, name="group_version"),
]
