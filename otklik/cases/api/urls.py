from django.urls import path
from rest_framework.routers import SimpleRouter

from otklik.cases.api import views

router = SimpleRouter(trailing_slash=False)
router.register("cases", views.CaseViewSet, basename="case")
router.register("routing-rules", views.RoutingRuleViewSet, basename="routing-rule")

urlpatterns = [
    path("surveys/<str:token>", views.SurveyView.as_view(), name="survey-respond"),
    *router.urls,
]
