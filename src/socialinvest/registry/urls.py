from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.index, name="index"),
    path("types/<slug:slug>/", views.intervention_type, name="type"),
    path("publish/<int:pk>/", views.publish, name="publish"),
    path("compare/<int:pk>/", views.compare, name="compare"),
    path("prior/<int:pk>/", views.prior, name="prior"),
]
