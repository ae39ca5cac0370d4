from django.urls import include, path

app_name = "ledger"

# Two modules so the pages that write (disbursements, agreements, repayments) and the
# pages that report (balance, projection, accounting views, statements) can grow apart.
urlpatterns: list = [
    path("", include("socialinvest.ledger.write_urls")),
    path("", include("socialinvest.ledger.report_urls")),
]
