from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "socialinvest.portfolio"
    label = "portfolio"
    verbose_name = _("Portfölj")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import aims, store

        store.connect_invalidation()
        aims.register()
