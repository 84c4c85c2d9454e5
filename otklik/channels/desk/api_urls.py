from django.urls import path

from otklik.channels.desk.api import AppealRegisterView

urlpatterns = [path("desk/appeals", AppealRegisterView.as_view(), name="desk-appeals")]
