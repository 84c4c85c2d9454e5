from django.urls import path, re_path

from otklik.cases import views, views_nlp

app_name = "cases"

NUMBER = r"(?P<number>[0-9]{4}-[0-9]+)"


def verb(slug: str, view, name: str):
    return re_path(rf"^{NUMBER}/{slug}/$", view, name=name)


urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("bulk/", views.case_bulk_view, name="bulk"),
    path("routing/", views.routing_view, name="routing"),
    path("routing/<int:pk>/", views.routing_edit_view, name="routing_edit"),
    path("routing/<int:pk>/delete/", views.routing_delete_view, name="routing_delete"),
    path("survey/<str:token>/", views.survey_view, name="survey"),
    path("survey/<str:token>/thanks/", views.survey_thanks_view, name="survey_thanks"),
    re_path(rf"^{NUMBER}/$", views.case_detail_view, name="detail"),
    verb("answer-template", views.answer_template_view, "answer_template"),
    re_path(
        rf"^{NUMBER}/files/(?P<kind>answer|message)/(?P<pk>[0-9]+)/$",
        views.attachment_view,
        name="attachment",
    ),
    verb("accept", views.case_accept_view, "accept"),
    verb("reject", views.case_reject_view, "reject"),
    verb("assign", views.case_assign_view, "assign"),
    verb("take", views.case_take_view, "take"),
    verb("answer", views.case_answer_view, "answer"),
    verb("approve", views.answer_approve_view, "approve"),
    verb("return", views.answer_return_view, "return"),
    verb("publish", views.case_publish_view, "publish"),
    verb("merge", views.case_merge_view, "merge"),
    verb("split", views.case_split_view, "split"),
    verb("redirect", views.case_redirect_view, "redirect"),
    verb("redirect-decision", views.case_redirect_decide_view, "redirect_decide"),
    verb("extend", views.case_extend_view, "extend"),
    verb("extension-decision", views.case_extension_decide_view, "extension_decide"),
    verb("reopen", views.case_reopen_view, "reopen"),
    verb("request-info", views.case_request_info_view, "request_info"),
    verb("resume", views.case_resume_view, "resume"),
    verb("correct", views_nlp.case_correct_view, "correct"),
]
