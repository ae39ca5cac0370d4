"""The ledger's pages that write: disbursements, agreements, repayments, corrections; and the journal."""

from django.urls import path

from .views import agreements, investment, journal, parties, settings

urlpatterns: list = [
    path("investments/<int:pk>/", investment.investment, name="investment"),
    path("investments/<int:pk>/plan/", investment.plan, name="plan"),
    path("investments/<int:pk>/write-off/", investment.write_off, name="write_off"),
    path("investments/<int:pk>/agreements/new/", agreements.agreement_new, name="agreement_new"),
    path("disbursements/<int:pk>/approve/", investment.approve, name="approve"),
    path("disbursements/<int:pk>/pay/", investment.pay, name="pay"),
    path("disbursements/<int:pk>/cancel/", investment.cancel, name="cancel"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/revise/", agreements.agreement_revise, name="agreement_revise"),
    path("agreements/<int:pk>/repay/", agreements.repay, name="repay"),
    path("funds/<int:fund_pk>/journal/", journal.journal, name="journal"),
    path("funds/<int:fund_pk>/capital/", journal.add_capital, name="add_capital"),
    path("funds/<int:fund_pk>/parties/", parties.parties, name="parties"),
    path("entries/<int:pk>/reverse/", journal.reverse_entry, name="reverse"),
    path("awaiting-approval/", journal.awaiting, name="awaiting"),
    path("awaiting-agreements/", journal.awaiting_agreements, name="awaiting_agreements"),
    path("versions/<int:pk>/approve/", agreements.approve_version, name="agreement_version_approve"),
    path("funds/<int:fund_pk>/settings/", settings.fund_settings, name="fund_settings"),
]
