from django.urls import path

from otklik.correspondence import views

app_name = "correspondence"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("<int:pk>/", views.assignment_view, name="assignment"),
    path("item/<int:pk>/", views.item_view, name="item"),
    path("item/<int:pk>/<slug:verb>/", views.item_verb_view, name="item_verb"),
    path("file/<int:pk>/", views.file_view, name="file"),
    path("incoming/", views.incoming_list_view, name="incoming_list"),
    path("incoming/<int:pk>/", views.incoming_view, name="incoming"),
    path("incoming/<int:pk>/package.zip", views.incoming_package_view, name="incoming_package"),
    path("measures/", views.measures_view, name="measures"),
]
