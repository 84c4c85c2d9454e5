from django.urls import path
from rest_framework.routers import SimpleRouter

from otklik.directory.api import views

router = SimpleRouter(trailing_slash=False)
router.register("municipalities", views.MunicipalityViewSet)
router.register("city-districts", views.CityDistrictViewSet)
router.register("sectors", views.SectorViewSet)
router.register("topics", views.TopicViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("channels", views.ChannelViewSet)
router.register("input-kinds", views.InputKindViewSet)

urlpatterns = [
    path("region/summary", views.RegionSummaryView.as_view(), name="region-summary"),
    *router.urls,
]
