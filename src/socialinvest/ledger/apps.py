from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The revolving fund: disbursements, repayment agreements and the double-entry ledger."""

    name = "socialinvest.ledger"
    verbose_name = _("Fondens ekonomi")

    def ready(self) -> None:
        # The ledger answers the fund's capital position for the apps below it (the
        # decision check in applications): see socialinvest.core.providers.
        from socialinvest.funds.capital import capital_position

        from .capital import fund_capital_position

        capital_position.register(fund_capital_position)
