"""Writes of the needs analysis: open figures in, settings, aims, and an idea started from a gap."""

from .aims import do_delete_aim, do_save_aim, do_set_aim_investments
from .ideas import do_start_idea_from_gap
from .open_data import do_enter_open_data_value, do_fetch_open_data, do_import_open_data
from .settings import do_update_indicator_setting, do_update_needs_settings

__all__ = [
    "do_delete_aim",
    "do_enter_open_data_value",
    "do_fetch_open_data",
    "do_import_open_data",
    "do_save_aim",
    "do_set_aim_investments",
    "do_start_idea_from_gap",
    "do_update_indicator_setting",
    "do_update_needs_settings",
]
