from django.urls import path

from otklik.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list_view, name="list"),
    path("new/", views.problem_create_view, name="create"),
    path("import/", views.import_view, name="import"),
    path("lists/", views.lists_view, name="lists"),
    path("lists/<int:pk>/", views.list_detail_view, name="list_detail"),
    path("from-alert/<int:pk>/<slug:verb>/", views.alert_verb_view, name="alert_decide"),
    path("<int:pk>/", views.problem_detail_view, name="detail"),
    path("<int:pk>/<slug:verb>/", views.problem_verb_view, name="verb"),
]
