from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from otklik.site import views as site_views

api_v1 = [
    path("", include("otklik.directory.api.urls")),
    path("", include("otklik.accounts.api.urls")),
    path("", include("otklik.intake.api.urls")),
    path("", include("otklik.cases.api.urls")),
    path("", include("otklik.analytics.api.urls")),
    path("", include("otklik.problems.api.urls")),
    path("", include("otklik.approvals.api.urls")),
    path("", include("otklik.office.api.urls")),
    path("", include("otklik.channels.desk.api_urls")),
    path("", include("otklik.documents.api.urls")),
    path("", include("otklik.correspondence.api.urls")),
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("accounts/", include("otklik.accounts.urls")),
    path("directory/", include("otklik.directory.urls")),
    path("messages/", include("otklik.intake.urls")),
    path("cases/", include("otklik.cases.urls")),
    path("audit/", include("otklik.audit.urls")),
    path("nlp/", include("otklik.nlp.urls")),
    path("channels/import/", include("otklik.channels.imports.urls")),
    path("channels/desk/", include("otklik.channels.desk.urls")),
    path("channels/telegram/", include("otklik.channels.telegram.urls")),
    path("channels/vk/", include("otklik.channels.vk.urls")),
    path("channels/ok/", include("otklik.channels.ok.urls")),
    path("channels/", include("otklik.channels.urls")),
    path("report/", include("otklik.channels.webform.urls")),
    path("analytics/", include("otklik.analytics.urls")),
    path("open311/", include("otklik.channels.open311.urls")),
    path("problems/", include("otklik.problems.urls")),
    path("office/", include("otklik.office.urls")),
    path("correspondence/", include("otklik.correspondence.urls")),
    path("approvals/", include("otklik.approvals.urls")),
    path("documents/", include("otklik.documents.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
