"""The fund economy's report pages (read only): balance and projection, accounting views,
frame-cut list, year-end statement with downloads, and the worked accounting example."""

from django.urls import path

from . import report_views as v

urlpatterns: list = [
    path("economy/", v.economy_index, name="economy_index"),
    path("accounting-example/", v.accounting_example, name="accounting_example"),
    path("funds/<int:fund_pk>/economy/", v.economy, name="economy"),
    path("funds/<int:fund_pk>/accounting/", v.accounting, name="accounting"),
    path("funds/<int:fund_pk>/frame-cuts/", v.frame_cuts, name="frame_cuts"),
    path("funds/<int:fund_pk>/year-end/", v.year_end, name="year_end"),
    path(
        "funds/<int:fund_pk>/year-end/<int:year>.xlsx",
        v.year_end_download,
        {"fmt": "xlsx"},
        name="year_end_xlsx",
    ),
    path(
        "funds/<int:fund_pk>/year-end/<int:year>.csv",
        v.year_end_download,
        {"fmt": "csv"},
        name="year_end_csv",
    ),
]
