from django.urls import path

from . import round_views, views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    *round_views.urlpatterns,
]
