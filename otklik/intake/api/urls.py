from django.urls import path

from otklik.intake.api.views import MessageIngestView

urlpatterns = [path("messages", MessageIngestView.as_view(), name="messages-ingest")]
