from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("schema/fund-v1.json", views.schema, name="schema"),
    path("calculators/price-of-exclusion/", views.cohort_calculator, name="cohort"),
    path("calculators/what-else/", views.equivalents_calculator, name="equivalents"),
    path("funds/<slug:slug>/", views.fund_page, name="fund"),
    path("funds/<slug:slug>/data.json", views.fund_json, name="fund_json"),
    path("funds/<slug:slug>/investments.csv", views.fund_csv, name="fund_csv"),
    path("funds/<slug:slug>/investments/<str:reference>/", views.investment_page, name="investment"),
]
