"""Writes: one small module per action, ``do_<verb>_<noun>(..., *, acting_user)``.

Each runs in one transaction together with its audit event; each checks its
permission with the same Verdicts the pages show.
"""

from .assign import do_assign_reviewers, do_declare_conflict
from .attachments import do_add_attachment
from .calculation import do_save_calculation
from .content import do_replace_budget_lines, do_replace_indicators, do_replace_partners, do_sign_off
from .create import do_create_application
from .decide import do_decide
from .review import do_give_council_opinion, do_save_review
from .transition import do_transition
from .update import do_update_application

__all__ = [
    "do_add_attachment",
    "do_assign_reviewers",
    "do_create_application",
    "do_decide",
    "do_declare_conflict",
    "do_give_council_opinion",
    "do_replace_budget_lines",
    "do_replace_indicators",
    "do_replace_partners",
    "do_save_calculation",
    "do_save_review",
    "do_sign_off",
    "do_transition",
    "do_update_application",
]
