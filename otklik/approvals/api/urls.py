from rest_framework.routers import SimpleRouter

from otklik.approvals.api import views

router = SimpleRouter(trailing_slash=False)
router.register("approvals", views.ApprovalViewSet, basename="approval")

urlpatterns = router.urls
