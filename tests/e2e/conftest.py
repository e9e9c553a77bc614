"""Browser tests: Playwright for Python driving Debian's chromium (never a downloaded
browser). Without /usr/bin/chromium (or the playwright package) the tests are
skipped with the reason printed — except under CI=true, where they fail instead.

Install: `apt-get install -y chromium` and `pip install -e '.[dev]'` (playwright).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.live import PASSWORD, LiveApp, live_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    print(f"\nskipping browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    with live_app(tmp_path) as running:
        yield running


SignIn = Callable[..., Any]


def wait_for_htmx(page: Any) -> None:
    """Until HTMX has no request in flight and nothing left to swap or settle: content
    it has just swapped in reacts to events (`change`…) only once it has settled."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    page.wait_for_function("selector => !document.querySelector(selector)", arg=busy)


@pytest.fixture
def sign_in(browser: Any, live: LiveApp) -> Iterator[SignIn]:
    """`sign_in(who, **context_options)`: a page in a fresh browser context (its own
    cookies) signed in as `who`, on Today. The contexts close after the test."""
    contexts: list[Any] = []

    def open_as(who: str, **options: Any) -> Any:
        context = browser.new_context(base_url=live.url, accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.get_by_label("User name").fill(who)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
