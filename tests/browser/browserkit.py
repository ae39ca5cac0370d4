"""Helpers for the browser tests: log in, run axe, move with the keyboard."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import axe_playwright_python
from django.urls import reverse
from playwright.sync_api import Page, expect

PASSWORD = "demo-password-1"  # tests/factories.py
AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def login(page: Page, user: Any, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait until the site has let us in."""
    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()  # fails clearly if refused


# -- Accessibility ---------------------------------------------------------------


def axe_violations(page: Page, include: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core (the copy shipped with axe-playwright-python) on the page's current document,
    or only on the parts matching the CSS selectors in ``include``."""
    if page.evaluate("typeof axe") != "object":
        page.add_script_tag(content=AXE_JS)
    result = page.evaluate(
        """async ([tags, include]) => await axe.run(
            include ? {include: include.map((s) => [s])} : document, {runOnly: tags})""",
        [AXE_TAGS, include],
    )
    return result["violations"]  # type: ignore[no-any-return]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}  {node['html'][:160]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "", include: list[str] | None = None) -> list[dict[str, Any]]:
    """No serious or critical WCAG 2.1 A/AA violation on the page (or the ``include`` parts of it);
    lesser ones are printed."""
    violations = axe_violations(page, include)
    where = where or page.url
    if violations:
        print(f"\naxe on {where}:\n{describe_violations(violations)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious/critical violations on {where}:\n{describe_violations(blocking)}"
    return violations


# -- Keyboard --------------------------------------------------------------------


def focused(page: Page) -> dict[str, Any]:
    """What has keyboard focus: tag, id, role, accessible-ish name."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return {};
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id || "",
                type: el.getAttribute("type") || "",
                name: (el.getAttribute("aria-label") || el.innerText || el.value || "").trim(),
                href: el.getAttribute("href") || "",
            };
        }"""
    )


def tab_until(page: Page, predicate: Callable[[dict[str, Any]], bool], limit: int = 120) -> dict[str, Any]:
    """Press Tab until ``predicate(focused(page))`` holds; fail after ``limit`` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if predicate(now):
            return now
        seen.append(now)
    raise AssertionError(f"Not reached by Tab in {limit} presses; focus went through: {seen[-20:]}")
