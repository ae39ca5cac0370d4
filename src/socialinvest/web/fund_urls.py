from django.urls import path

from socialinvest.funds import round_views

from . import fund_pages as views
from . import fund_setup_pages as setup_views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    *round_views.urlpatterns,
    path("setup/", setup_views.setup_index, name="setup_index"),
    path("setup/<slug:slug>/new/", setup_views.fund_new, name="new"),
    path("<int:pk>/rules/", setup_views.fund_rules, name="rules"),
]
