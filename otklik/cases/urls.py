from django.urls import path, re_path

from otklik.cases.views import case_page, queue, routing, survey, verbs

app_name = "cases"

NUMBER = r"(?P<number>[0-9]{4}-[0-9]+)"

urlpatterns = [
    path("", queue.case_list_view, name="list"),
    path("bulk/", queue.case_bulk_view, name="bulk"),
    path("routing/", routing.routing_view, name="routing"),
    path("routing/<int:pk>/", routing.routing_edit_view, name="routing_edit"),
    path("routing/<int:pk>/delete/", routing.routing_delete_view, name="routing_delete"),
    path("survey/<str:token>/", survey.survey_view, name="survey"),
    path("survey/<str:token>/thanks/", survey.survey_thanks_view, name="survey_thanks"),
    re_path(rf"^{NUMBER}/$", case_page.case_detail_view, name="detail"),
    re_path(
        rf"^{NUMBER}/answer-template/$", case_page.answer_template_view, name="answer_template"
    ),
    re_path(
        rf"^{NUMBER}/files/(?P<kind>answer|message)/(?P<pk>[0-9]+)/$",
        case_page.attachment_view,
        name="attachment",
    ),
    # every verb of the case page (``verbs.VERBS``): /cases/<number>/accept/ …
    re_path(rf"^{NUMBER}/(?P<verb>[a-z-]+)/$", verbs.case_verb_view, name="verb"),
]
