from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "socialinvest.registry"
    label = "registry"
    verbose_name = _("Evidensregister")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Answer the follow-up's questions (which estimate the ex-post uses, and all three to
        # show) once the apps are loaded: see socialinvest.core.providers.
        from socialinvest.followup import hooks

        from .selectors import chosen_effect, effect_comparison

        hooks.chosen_effect.register(chosen_effect)
        hooks.effect_comparison.register(effect_comparison)
