from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "socialinvest.public"
    label = "public"
    verbose_name = _("Öppna sidor")

    def ready(self) -> None:
        # Signal receivers import models: connected once the app registry is ready.
        from . import published

        published.connect_invalidation()
