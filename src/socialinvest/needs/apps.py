from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "socialinvest.needs"
    label = "needs"
    verbose_name = _("Behovsanalys")

    def ready(self) -> None:
        from socialinvest.core.panels import register  # an app's ready() is where registrations go

        from .panels import fund_aims_panel

        register("fund_detail", fund_aims_panel)
