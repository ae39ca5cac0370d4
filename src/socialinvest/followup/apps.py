from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Follow-up plans, measurements and evaluation of granted investments."""

    name = "socialinvest.followup"
    verbose_name = _("Uppföljning och utvärdering")
