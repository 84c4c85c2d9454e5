from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from otklik.core import views as core_views

admin.site.site_header = "Отклик — администрирование"
admin.site.site_title = "Отклик"
admin.site.index_title = "Справочники и настройки"

api_v1 = [
    path("", include("otklik.directory.api.urls")),
    path("", include("otklik.accounts.api.urls")),
    path("", include("otklik.intake.api.urls")),
    path("", include("otklik.cases.api.urls")),
    path("", include("otklik.analytics.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("otklik.accounts.urls")),
    path("directory/", include("otklik.directory.urls")),
    path("messages/", include("otklik.intake.urls")),
    path("cases/", include("otklik.cases.urls")),
    path("audit/", include("otklik.audit.urls")),
    path("nlp/", include("otklik.nlp.urls")),
    path("channels/", include("otklik.channels.urls")),
    path("analytics/", include("otklik.analytics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
