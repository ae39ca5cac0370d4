"""Every service takes its lock first, then checks permission, then validates (docs/architecture.md).

Read from the source (the order is a property of the code, not of one run): in each
``do_*`` function the first lock comes no later than the first permission check, and no
``raise ValidationError`` comes before that check — so a user who may not act learns
nothing about the input, and every check sees the locked rows.  A service that cannot
follow the order says why below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import socialinvest

ROOT = Path(socialinvest.__file__).parent
PURE = {"engine", "finance", "evaluation", "opendata"}

# Helpers that lock a row and check permission in one call.
LOCK_AND_PERMISSION = {"_locked_editable", "_own"}

NO_LOCK = {
    # Creates a top-level row: nothing exists yet to lock; the unique slug settles a race.
    "organisations/actions/organisation.py:do_create_organisation",
    # The installer's command: no user exists yet to act; do_invite_user takes the organisation lock.
    "organisations/actions/people.py:do_create_org_admin",
    # A user's own token: nothing shared is changed.
    "api/actions.py:do_create_api_token",
    # Delegates to do_save_followup_plan, which keeps the order.
    "followup/actions/plan.py:do_complete_followup_plan",
    # A remote call (the registry) before the transaction, so no row lock is held while waiting;
    # permission is checked first so nothing is sent for a user who may not.
    "registry/fund_actions.py:do_publish_to_registry",
    "registry/fund_actions.py:do_take_registry_prior",
}
PERMISSION_BEFORE_LOCK = {
    # A remote call (the registry) before the transaction, so no row lock is held while waiting;
    # permission is checked first so nothing is sent for a user who may not, and the submission
    # is locked afterwards to record the registry's answer.
    "registry/fund_actions.py:do_correct_registry_publication",
    "registry/fund_actions.py:do_withdraw_registry_publication",
    # The engine's Monte Carlo and the network take seconds: they run before the transaction
    # (permission checked first, so no work is done for a user who may not), and permission is
    # checked again under the lock before anything is written.
    "followup/actions/expost.py:do_run_expost_calculation",
    "needs/actions/open_data.py:do_fetch_open_data",
    # Only a signed-in publisher can be looked up and locked by publisher and reference.
    "registry/actions.py:do_publish_evaluation",
}
NO_PERMISSION = {
    # The one-time link is the permission; the invitation row is locked before it is checked.
    "organisations/actions/people.py:do_accept_invitation",
    # Called by the sign-in itself: the identity provider has just authenticated the user.
    "organisations/actions/people.py:do_record_provider_sign_in",
    # A user's own notification setting.
    "notifications/actions.py:do_set_notification_frequency",
    # Delegates (see NO_LOCK).
    "followup/actions/plan.py:do_complete_followup_plan",
    "organisations/actions/people.py:do_create_org_admin",
}

CHECKS_THE_ARGUMENT_PERMISSION_NEEDS = {
    # Which step, or which visibility level, is asked for must be known before whose it is can
    # be checked: an unknown one is refused first.
    "applications/actions/transition.py:do_transition",
    "applications/conversation/actions.py:do_post_comment",
    # An invalid or used link is the refusal (the link is the permission).
    "organisations/actions/people.py:do_accept_invitation",
}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        f = node.func
        if isinstance(f, ast.Name):
            return f.id
        if isinstance(f, ast.Attribute):
            return f.attr
    return ""


def _raises(node: ast.AST, exception: str) -> bool:
    return isinstance(node, ast.Raise) and node.exc is not None and exception in ast.unparse(node.exc)


def _is_lock(node: ast.AST) -> bool:
    name = _name(node)
    return bool(name) and (
        "lock" in name.lower() or name == "select_for_update" or name in LOCK_AND_PERMISSION
    )


def _is_permission(node: ast.AST) -> bool:
    name = _name(node)
    if name.startswith(("can_", "require_", "_require")) or name == "require" or name in LOCK_AND_PERMISSION:
        return True
    return _raises(node, "PermissionDenied")


def _is_validation(node: ast.AST) -> bool:
    return _raises(node, "ValidationError")


def _first(fn: ast.FunctionDef, predicate) -> int | None:
    lines = [n.lineno for n in ast.walk(fn) if predicate(n)]
    return min(lines) if lines else None


def services() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.split("/")[0] in PURE or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("do_"):
                found.append((f"{rel}:{node.name}", node))
    return found


def order_problems() -> list[str]:
    problems = []
    for key, fn in services():
        lock, permission, validation = (_first(fn, p) for p in (_is_lock, _is_permission, _is_validation))
        if lock is None and key not in NO_LOCK:
            problems.append(f"{key}: takes no lock")
        if permission is None and key not in NO_PERMISSION:
            problems.append(f"{key}: checks no permission")
        if lock and permission and permission < lock and key not in PERMISSION_BEFORE_LOCK:
            problems.append(f"{key}: checks permission (line {permission}) before its lock (line {lock})")
        first_check = permission or lock
        if (
            validation
            and first_check
            and validation < first_check
            and key not in CHECKS_THE_ARGUMENT_PERMISSION_NEEDS
        ):
            problems.append(f"{key}: validates (line {validation}) before its lock and permission check")
    return problems


def test_every_service_locks_then_checks_permission_then_validates():
    assert len(services()) > 60  # the scan finds the services
    assert order_problems() == []


def test_the_exceptions_are_still_services():
    names = {key for key, _fn in services()}
    assert names >= (NO_LOCK | PERMISSION_BEFORE_LOCK | NO_PERMISSION | CHECKS_THE_ARGUMENT_PERMISSION_NEEDS)


def test_the_check_catches_a_service_that_validates_first(tmp_path):
    source = """
def do_thing(*, fund, amount, acting_user):
    if amount < 0:
        raise ValidationError({"amount": "negative"})
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_manage_ledger(acting_user, locked).require()
"""
    fn = ast.parse(source).body[0]
    assert _first(fn, _is_validation) < _first(fn, _is_lock) < _first(fn, _is_permission) + 1
