from django.urls import re_path

from otklik.channels.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+?)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    # The wiki names the single request /requests/{id}; its Swagger /request/{id}: both served.
    re_path(r"^v2/requests?/(?P<number>[^/]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FMT, views.token, name="token"),
]
