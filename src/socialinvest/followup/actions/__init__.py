"""Writes: one small module per action, keyword-only ``do_<verb>_<noun>(..., acting_user)``.

Each validates everything first (``ValidationError`` with a dict of field → Swedish
message), then runs in one transaction with its audit event, checking its
permission with the same Verdicts the pages show.
"""

from .adopt import do_adopt_expost_calculation
from .amend import do_amend_followup_plan
from .attachments import do_add_measurement_attachment
from .closing import do_correct_closing_decision, do_record_closing_decision
from .evidence import do_update_evidence_grade
from .expost import do_run_expost_calculation
from .measurement import do_save_measurement
from .plan import do_complete_followup_plan, do_save_followup_plan, ensure_followup_plan
from .project_lead import do_assign_project_lead
from .review import do_approve_measurement, do_return_measurement, do_submit_measurement
from .status_report import do_submit_status_report
from .upload import do_upload_measurement_csv

__all__ = [
    "do_add_measurement_attachment",
    "do_adopt_expost_calculation",
    "do_amend_followup_plan",
    "do_approve_measurement",
    "do_assign_project_lead",
    "do_complete_followup_plan",
    "do_correct_closing_decision",
    "do_record_closing_decision",
    "do_return_measurement",
    "do_run_expost_calculation",
    "do_save_followup_plan",
    "do_save_measurement",
    "do_submit_measurement",
    "do_submit_status_report",
    "do_update_evidence_grade",
    "do_upload_measurement_csv",
    "ensure_followup_plan",
]
