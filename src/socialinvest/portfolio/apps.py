from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "socialinvest.portfolio"
    label = "portfolio"
    verbose_name = _("Portfölj")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Signal receivers import models: connected once the app registry is ready.
        from . import aims, store

        store.connect_invalidation()
        aims.register()
