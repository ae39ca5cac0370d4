from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Follow-up plans, measurements and evaluation of granted investments."""

    name = "socialinvest.followup"
    verbose_name = _("Uppföljning och utvärdering")

    def ready(self) -> None:
        # Answer what the ledger (below) asks of the follow-up: socialinvest.ledger.hooks.
        from socialinvest.ledger import hooks

        from . import selectors

        hooks.measured_savings.register(selectors.measured_savings)
        hooks.measured_applications.register(selectors.measured_applications)
        hooks.stop_decision.register(selectors.stop_decision)
