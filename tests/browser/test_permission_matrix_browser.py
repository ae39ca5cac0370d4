"""The permission matrix in the browser: every role × every transition, as the actions panel shows it.

One application, complete in every respect (as in tests/applications/test_permission_matrix.py),
is put in each transition's first source state; each role loads the page in its own logged-in
browser context.  The expected verdict comes from ``can_transition`` (the table is the single
source of truth): allowed → the action's control is enabled; refused → a disabled button and
the reason.  The outsider cannot view the page at all (403).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from builders import make_full_application
from socialinvest.applications.models import Application, CouncilOpinion, Review
from socialinvest.applications.permissions import can_transition, can_view
from socialinvest.applications.states import BY_NAME, TRANSITIONS, Status, transitions_from

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]

ROLES = (
    "applicant",
    "co_applicant",
    "preparer",
    "conflicted_preparer",
    "council",
    "decision_maker",
    "fund_admin",
    "auditor",
    "outsider",
)
# Hand-written spot checks: (role, status, transition) → expected reason ("" = allowed).
SPOT_CHECKS = {
    ("applicant", Status.FULL_APPLICATION, "submit"): "",
    ("conflicted_preparer", Status.SUBMITTED, "start_preparation"): "Jäv",
    ("decision_maker", Status.RECOMMENDED, "grant"): "",
}
ORDER = list(Status)
# Each transition's first source state (in the order of Status, the path's order); together
# they cover every transition.  The spot checks' states are among them.
STATES = sorted(
    {min(t.sources, key=ORDER.index) for t in TRANSITIONS} | {s for _, s, _ in SPOT_CHECKS}, key=ORDER.index
)


# One round trip per page: what the actions panel shows for each item.
PANEL_JS = """(items) => items.map((li) => {
    const name = li.id.replace(/^action-/, "");
    const reason = li.querySelector(`#reason-${name}`);
    return {
        name,
        enabled: [...li.querySelectorAll("a.button, button[type=submit]")].filter((c) => !c.disabled).length,
        disabled: [...li.querySelectorAll("button")].filter((c) => c.disabled).length,
        describedby: li.querySelector("button[disabled]")?.getAttribute("aria-describedby") ?? null,
        reason: reason ? reason.textContent.replace(/\\s+/g, " ").trim() : null,
    };
})"""


def check_panel(page: Page, user, app: Application, who: str, checked: set[tuple[str, ...]]) -> None:
    """Every transition from the application's status shows the verdict ``can_transition`` gives."""
    items = page.locator("#actions li.action-item").evaluate_all(PANEL_JS)
    shown = {i["name"]: i for i in items if i["name"] in BY_NAME}
    expected_names = [t.name for t in transitions_from(app.status)]
    assert list(shown) == expected_names, (who, app.status, list(shown))
    for name in expected_names:
        verdict = can_transition(user, app, name)
        item, where = shown[name], f"{who} / {app.status} / {name}"
        if verdict:
            assert (item["enabled"], item["disabled"], item["reason"]) == (1, 0, None), (where, item)
        else:
            assert verdict.reason, where
            reason = " ".join(f"Ej tillgängligt – {verdict.reason}".split())
            assert (item["enabled"], item["disabled"], item["reason"]) == (0, 1, reason), (where, item)
            assert item["describedby"] == f"reason-{name}", (where, item)
        spot = SPOT_CHECKS.get((who, app.status, name))
        if spot is not None:  # hand-written expectations, checked with Playwright's own assertions
            li = page.locator(f"#actions li#action-{name}")
            if spot:
                assert not verdict and verdict.reason.startswith(spot), where
                expect(li.get_by_role("button", name=str(BY_NAME[name].label))).to_be_disabled()
                expect(li.locator(f"#reason-{name}")).to_contain_text(f"Ej tillgängligt – {spot}")
            else:
                assert verdict, where
                control = li.locator("a.button, button[type=submit]")
                expect(control).to_be_enabled()
                expect(control).to_have_text(str(BY_NAME[name].label))
            checked.add(("spot", who, app.status, name))
        checked.add((who, name))


def test_permission_matrix_in_browser(world, page_as):
    app = make_full_application(world)
    Review.objects.create(application=app, reviewer=world.preparer2, submitted_at=dt.datetime.now(dt.UTC))
    CouncilOpinion.objects.create(
        application=app, author=world.council, evidence_grade=3, evaluation_design="x", opinion="y"
    )
    url = reverse("applications:detail", args=[app.pk])
    pages = {who: page_as(getattr(world, who)) for who in ROLES}
    checked: set[tuple[str, ...]] = set()

    for status in STATES:
        Application.objects.filter(pk=app.pk).update(status=status)
        app.refresh_from_db()
        for who in ROLES:
            user, page = getattr(world, who), pages[who]
            response = page.goto(url)
            viewer = bool(can_view(user, app))
            assert viewer == (who != "outsider"), (who, status)  # only the outsider may not look
            if not viewer:
                assert response is not None and response.status == 403, (who, status)
                expect(page.locator("#actions")).to_have_count(0)
                for t in transitions_from(status):
                    verdict = can_transition(user, app, t)
                    assert not verdict and verdict.reason, (who, status, t.name)
                    checked.add((who, t.name))
                continue
            assert response is not None and response.ok, (who, status, response and response.status)
            check_panel(page, user, app, who, checked)

    assert {c for c in checked if c[0] != "spot"} == {(who, t.name) for who in ROLES for t in TRANSITIONS}
    assert {("spot", *key) for key in SPOT_CHECKS} <= checked, "every spot check ran"
