from django.urls import path

from . import aim_views, views

app_name = "needs"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.analysis, name="analysis"),
    path("<slug:slug>/data/", views.open_data, name="open_data"),
    path("<slug:slug>/data/fetch/", views.fetch, name="fetch"),
    path("<slug:slug>/data/upload/", views.upload, name="upload"),
    path("<slug:slug>/data/enter/", views.enter, name="enter"),
    path("<slug:slug>/settings/", views.settings, name="settings"),
    path("<slug:slug>/indicator/<slug:key>/", views.indicator, name="indicator"),
    path("<slug:slug>/idea/<slug:key>/", views.start_idea, name="start_idea"),
    path("fund/<int:fund_pk>/aims/", aim_views.aims, name="aims"),
    path("fund/<int:fund_pk>/aims/new/", aim_views.aim_form, name="aim_new"),
    path("fund/<int:fund_pk>/aims/<int:aim_pk>/", aim_views.aim_form, name="aim_edit"),
    path("fund/<int:fund_pk>/aims/<int:aim_pk>/delete/", aim_views.aim_delete, name="aim_delete"),
    path(
        "fund/<int:fund_pk>/aims/<int:aim_pk>/investments/", aim_views.aim_investments, name="aim_investments"
    ),
]
