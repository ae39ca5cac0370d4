from django.urls import path

from . import report_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:fund_pk>/", views.dashboard, name="dashboard"),
    *report_views.urlpatterns,
]
