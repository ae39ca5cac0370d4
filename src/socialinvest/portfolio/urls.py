from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:fund_pk>/", views.dashboard, name="dashboard"),
]
