"""The organisation's write services: the organisation, its units, its people and their roles.

Each service runs in one transaction with its audit event (who, when, before and
after): lock, check permission, validate, write.  Pages, the command line and the demo
loader call these; none writes the models itself.
"""

from .organisation import do_create_organisation, do_update_organisation
from .people import (
    do_accept_invitation,
    do_create_org_admin,
    do_invite_user,
    do_record_provider_sign_in,
    do_set_user_active,
    invitation_path,
)
from .roles import do_change_role, do_end_role, do_grant_role
from .second_factor import do_enrol_totp, do_reset_second_factor, do_verify_second_factor
from .units import do_add_actor, do_create_unit, do_end_unit, do_update_unit, known_actors

__all__ = [
    "do_accept_invitation",
    "do_add_actor",
    "do_change_role",
    "do_create_org_admin",
    "do_create_organisation",
    "do_create_unit",
    "do_end_role",
    "do_end_unit",
    "do_enrol_totp",
    "do_grant_role",
    "do_invite_user",
    "do_record_provider_sign_in",
    "do_reset_second_factor",
    "do_set_user_active",
    "do_update_organisation",
    "do_update_unit",
    "do_verify_second_factor",
    "invitation_path",
    "known_actors",
]
