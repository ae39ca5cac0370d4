"""The follow-up pages: one investment's overview, plan, measurements, evaluation and forecast
against outcome; one period's report; the fund's list of submitted and overdue measurements."""

from .views import amend, corrections, evaluation, fund, measurements, overview, plan

app_name = "followup"

urlpatterns = [
    *overview.urlpatterns,
    *corrections.urlpatterns,
    *plan.urlpatterns,
    *amend.urlpatterns,
    *measurements.urlpatterns,
    *evaluation.urlpatterns,
    *fund.urlpatterns,
]
