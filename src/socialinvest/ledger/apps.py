from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The revolving fund: disbursements, repayment agreements and the double-entry ledger."""

    name = "socialinvest.ledger"
    verbose_name = _("Fondens ekonomi")
