from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.index, name="index"),
    path("types/<slug:slug>/", views.intervention_type, name="type"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("publish/<int:pk>/", views.publish, name="publish"),
    path("publish/<int:pk>/<int:submission_pk>/correct/", views.correct_submission, name="correct"),
    path("publish/<int:pk>/<int:submission_pk>/withdraw/", views.withdraw_submission, name="withdraw"),
    path("compare/<int:pk>/", views.compare, name="compare"),
    path("prior/<int:pk>/", views.prior, name="prior"),
]
