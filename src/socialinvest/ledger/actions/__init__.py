"""Writes to the fund's money: one small module per action, ``do_<verb>_<noun>(..., *, acting_user)``.

Each runs in one transaction together with its audit event, checks its permission with
the Verdicts the pages show, and validates everything before it writes.  Every posting
goes through :func:`socialinvest.ledger.posting.post_entry`.
"""

from .add_capital import do_add_capital
from .agreements import do_create_repayment_agreement, do_revise_repayment_agreement
from .approve_agreement import do_approve_agreement_version
from .approve_disbursement import do_approve_disbursement
from .cancel_disbursement import do_cancel_disbursement
from .create_fund import do_create_fund
from .fund_settings import do_close_books, do_set_headline_perspective, do_set_overdraft_limit
from .pay_disbursement import do_pay_disbursement
from .plan_disbursements import do_plan_disbursements
from .record_repayment import do_record_repayment
from .reverse_entry import do_reverse_entry
from .set_parties import do_set_fund_parties
from .write_off import do_write_off_investment

__all__ = [
    "do_add_capital",
    "do_approve_agreement_version",
    "do_approve_disbursement",
    "do_cancel_disbursement",
    "do_close_books",
    "do_create_fund",
    "do_create_repayment_agreement",
    "do_pay_disbursement",
    "do_plan_disbursements",
    "do_record_repayment",
    "do_reverse_entry",
    "do_revise_repayment_agreement",
    "do_set_fund_parties",
    "do_set_headline_perspective",
    "do_set_overdraft_limit",
    "do_write_off_investment",
]
