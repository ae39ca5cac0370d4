from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("socialinvest.web.urls")),
    path("accounts/", include("socialinvest.organisations.account_urls")),
    path("oidc/", include("socialinvest.organisations.oidc_urls")),
    path("applications/", include("socialinvest.applications.urls")),
    path("funds/", include("socialinvest.web.fund_urls")),
    path("organisation/", include("socialinvest.organisations.urls")),
    path("ledger/", include("socialinvest.ledger.urls")),
    path("followup/", include("socialinvest.followup.urls")),
    path("notifications/", include("socialinvest.notifications.views")),
    path("needs/", include("socialinvest.needs.urls")),
    path("api/", include("socialinvest.api.urls")),
    path("api/", api.urls),
    path("registry/", include("socialinvest.registry.urls")),
    path("archive/", include("socialinvest.archive.views")),
    path("portfolio/", include("socialinvest.portfolio.urls")),
    path("public/", include("socialinvest.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
