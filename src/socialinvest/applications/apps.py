from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "socialinvest.applications"
    verbose_name = _("Ansökningar")

    def ready(self) -> None:
        # The fund's criteria service asks which criteria a submitted review has scored.
        from socialinvest.funds.criteria import register_criteria_in_use

        from .models import CriterionScore

        def scored(ids: object) -> set[int]:
            return set(
                CriterionScore.objects.filter(criterion_id__in=ids, review__submitted_at__isnull=False)
                .values_list("criterion_id", flat=True)
                .distinct()
            )

        register_criteria_in_use(scored)
