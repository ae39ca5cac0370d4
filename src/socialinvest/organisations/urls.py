from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_index, name="index"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/units/<int:pk>/", views.unit_edit, name="unit"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people.csv", views.people_csv, name="people_csv"),
]
