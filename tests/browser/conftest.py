"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Never ``playwright install``: the browser is the system's ``/usr/bin/chromium``.
Every test here uses ``live_server`` and so a transactional database: the pages
are served by another thread and only see committed data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio loop in this thread; Django refuses ORM calls
# from a thread with a running loop unless told this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from browserkit import login
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # generous: the suite may share the machine with other work
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (never `playwright install`)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_context(
    browser: Browser, live_server: Any, transactional_db: None
) -> Iterator[Callable[[], BrowserContext]]:
    """Make a fresh browser context (own cookies: one per user) against the live server.

    The database is transactional (live_server asks for that too): the server's thread
    sees only committed data, and each test's data is flushed afterwards.
    """
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        # bypass_csp: axe (assert_accessible) is injected as an inline script, which the
        # application's Content-Security-Policy forbids; test_csp_browser.py checks the pages
        # under the policy itself.
        context = browser.new_context(
            base_url=live_server.url, locale="sv-SE", timezone_id="Europe/Stockholm", bypass_csp=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def page_as(new_context: Callable[[], BrowserContext]) -> Callable[[Any], Page]:
    """``page_as(user)``: a page in the user's own browser context, logged in through the form.

    Asking again for the same user returns the same page, so a test can switch between roles.
    """
    pages: dict[int, Page] = {}

    def get(user: Any) -> Page:
        if user.pk not in pages:
            p = new_context().new_page()
            login(p, user)
            pages[user.pk] = p
        return pages[user.pk]

    return get
