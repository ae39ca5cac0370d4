from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "socialinvest.core"
    verbose_name = _("Kärna")

    def ready(self) -> None:
        # Models may be imported only once the app registry is ready (Django's ready()).
        from .personnummer import guard_model_text

        # Every model's texts, every save: see socialinvest.core.personnummer.
        pre_save.connect(guard_model_text, dispatch_uid="socialinvest.core.guard_model_text")
