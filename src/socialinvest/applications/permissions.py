"""Who may see and do what with an application.  Every check returns a Verdict
(allowed + reason in Swedish), used by pages, services and the API alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.access import Access, applicant_unit_ids
from socialinvest.organisations.models import Role

from .models import Application
from .states import BY_NAME, FINAL, Status, Transition

READ_ROLES = {Role.FUND_ADMIN, Role.PREPARATION, Role.COUNCIL, Role.DECISION_MAKER, Role.AUDITOR}
# Roles that act on applications they do not apply for, and so can be conflicted.
ASSESSOR_ROLES = {Role.PREPARATION, Role.COUNCIL, Role.DECISION_MAKER}


def conflict_of_interest(user: Any, application: Application) -> bool:
    """A user who belongs to an applicant unit cannot assess the application."""
    return bool(Access.of(user).unit_ids() & applicant_unit_ids(application))


def can_view(user: Any, application: Application) -> Verdict:
    roles = Access.of(user).roles_for(application)
    if roles & (READ_ROLES | {Role.APPLICANT, Role.PROJECT_LEAD}):
        return allow()
    return deny(_("Du har ingen roll i den här fonden eller för de sökande enheterna."))


def can_edit(user: Any, application: Application) -> Verdict:
    """Applicants edit while the application is theirs to fill in."""
    if Role.APPLICANT not in Access.of(user).roles_for(application):
        return deny(_("Endast sökande enheter kan ändra ansökan."))
    editable = {Status.DRAFT_IDEA, Status.IDEA_ACCEPTED, Status.FULL_APPLICATION, Status.RETURNED}
    if application.status not in editable:
        return deny(
            _("Ansökan kan inte ändras i status ”%(status)s”.") % {"status": application.get_status_display()}
        )
    return allow()


def can_review(user: Any, application: Application) -> Verdict:
    if Role.PREPARATION not in Access.of(user).fund_roles(application.fund):
        return deny(_("Endast beredningsgruppen bedömer ansökningar."))
    if conflict_of_interest(user, application):
        return deny(_("Jäv: du tillhör en sökande enhet och kan inte bedöma ansökan."))
    if application.status not in (Status.IN_PREPARATION, Status.COUNCIL_REVIEW):
        return deny(_("Ansökan är inte under beredning."))
    return assignment_verdict(user, application)


def assignment_verdict(user: Any, application: Application) -> Verdict:
    """Once the fund administrator has assigned reviewers, only they review, each after
    declaring no conflict of interest.  Unassigned applications stay open to the whole group.

    Reads the ``flag_has_assignments``/``flag_own_conflict`` annotations when a list selected
    them (see ``selectors.pending_actions``), else queries.
    """
    has_any = getattr(application, "flag_has_assignments", None)
    if has_any is None:
        has_any = application.assignments.exists()
    if not has_any:
        return allow()
    if hasattr(application, "flag_own_assignment"):
        assigned, conflict = application.flag_own_assignment, application.flag_own_conflict
    else:
        own = list(application.assignments.filter(reviewer_id=user.pk).values_list("conflict", flat=True))
        assigned, conflict = bool(own), (own[0] if own else None)
    if not assigned:
        return deny(_("Ansökan är tilldelad andra bedömare."))
    if conflict is None:
        return deny(_("Deklarera först om du har jäv."))
    if conflict:
        return deny(_("Du har anmält jäv och bedömer inte ansökan."))
    return allow()


def can_assign_reviewers(user: Any, application: Application) -> Verdict:
    """The fund administrator assigns the preparation group's reviewers until the decision."""
    if Role.FUND_ADMIN not in Access.of(user).fund_roles(application.fund):
        return deny(_("Endast fondförvaltaren tilldelar bedömare."))
    if application.status in FINAL:
        return deny(_("Ansökan är redan avgjord."))
    return allow()


def can_declare_conflict(user: Any, application: Application) -> Verdict:
    if not application.assignments.filter(reviewer_id=getattr(user, "pk", None)).exists():
        return deny(_("Du är inte tilldelad den här ansökan."))
    if application.status in FINAL:
        return deny(_("Ansökan är redan avgjord."))
    return allow()


def can_give_council_opinion(user: Any, application: Application) -> Verdict:
    if Role.COUNCIL not in Access.of(user).fund_roles(application.fund):
        return deny(_("Endast vetenskapliga rådet yttrar sig."))
    if conflict_of_interest(user, application):
        return deny(_("Jäv: du tillhör en sökande enhet."))
    if application.status != Status.COUNCIL_REVIEW:
        return deny(_("Ansökan väntar inte på rådets yttrande."))
    return allow()


def can_see_review_scores(user: Any, application: Application) -> Verdict:
    """The aggregate is for the group and decision makers; applicants only after the decision."""
    roles = Access.of(user).roles_for(application)
    if roles & {Role.PREPARATION, Role.DECISION_MAKER, Role.FUND_ADMIN, Role.AUDITOR, Role.COUNCIL}:
        return allow()
    if application.status in FINAL and roles & {Role.APPLICANT, Role.PROJECT_LEAD}:
        return allow()
    return deny(_("Bedömningarna visas för sökande först efter beslut."))


def can_transition(user: Any, application: Application, transition: Transition | str) -> Verdict:
    """May ``user`` take ``transition`` now?  The reason says why not."""
    t = BY_NAME[transition] if isinstance(transition, str) else transition
    if application.status not in t.sources:
        return deny(_("Inte möjligt i status ”%(status)s”.") % {"status": application.get_status_display()})
    roles = Access.of(user).roles_for(application)
    if not roles & t.roles:
        names = ", ".join(str(Role(r).label) for r in sorted(t.roles))
        return deny(_("Kräver rollen: %(roles)s.") % {"roles": names})
    assessing = Role.APPLICANT not in t.roles
    if assessing and conflict_of_interest(user, application):
        return deny(_("Jäv: du tillhör en sökande enhet."))
    missing = [
        str(Application._meta.get_field(f).verbose_name) for f in t.required_fields if _empty(application, f)
    ]
    if missing:
        return deny(_("Fyll i: %(fields)s.") % {"fields": ", ".join(missing)})
    for check in t.conditions:
        verdict = check(application)
        if not verdict:
            return verdict
    return allow()


def missing_for(user: Any, application: Application, transition: Transition | str) -> list[tuple[str, str]]:
    """Everything still missing before ``user`` can take ``transition``, all at once.

    ``(what is missing, where)`` — where is the field's name or the condition's name, so a
    page can link to the tab that fixes it.  Empty when the status or the role rules the
    transition out anyway (nothing the user can complete), or when nothing is missing.
    Why one list: submitting once revealed the gaps one round at a time.
    """
    t = BY_NAME[transition] if isinstance(transition, str) else transition
    if application.status not in t.sources or not Access.of(user).roles_for(application) & t.roles:
        return []
    if Role.APPLICANT not in t.roles and conflict_of_interest(user, application):
        return []  # a conflicted assessor can complete nothing: the reason is the conflict itself
    items = [
        (str(Application._meta.get_field(f).verbose_name).capitalize(), f)
        for f in t.required_fields
        if _empty(application, f)
    ]
    for check in t.conditions:
        verdict = check(application)
        if not verdict:
            items.append((verdict.reason, check.__name__))
    return items


def _empty(application: Application, field_name: str) -> bool:
    value = getattr(application, field_name)
    return value is None or (isinstance(value, str) and not value.strip())


def can_save_calculation(user: Any, application: Application) -> Verdict:
    """Applicants while they edit; the fund's economist (fund admin) until the decision."""
    if can_edit(user, application):
        return allow()
    roles = Access.of(user).roles_for(application)
    if Role.FUND_ADMIN in roles and application.status not in FINAL:
        return allow()
    return can_edit(user, application)


def can_decide(user: Any, application: Application) -> Verdict:
    return can_transition(user, application, "grant") if application.status else deny("")


def can_create_application(user: Any) -> Verdict:
    """Only users with the applicant role for a unit start applications (for that unit)."""
    if Access.of(user).unit_ids(Role.APPLICANT):
        return allow()
    return deny(_("Du behöver rollen sökande för en enhet för att skapa en ansökan."))


def can_export_case(user: Any, application: Application) -> Verdict:
    """The registry's documents (decision PDF/A, archival package): the fund's administrator,
    decision makers and auditors, once the case is closed."""
    roles = Access.of(user).fund_roles(application.fund)
    if not roles & {Role.FUND_ADMIN, Role.DECISION_MAKER, Role.AUDITOR}:
        return deny(_("Diariets handlingar tas fram av fondförvaltaren, beslutsfattare och revisorer."))
    if application.status not in FINAL:
        return deny(_("Ärendet är inte avslutat."))
    return allow()
