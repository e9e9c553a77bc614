"""Screenshots of Today, a contact page and the template editor, from the browser-test app.

    python -m tests.e2e.screenshots [docs/screenshots]     (or: make screenshots)

Needs /usr/bin/chromium and the playwright package, like the browser tests.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.live import PASSWORD, LiveApp, live_app

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot(live: LiveApp, out: Path) -> list[Path]:
    made: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for suffix, viewport in (("", WIDE), ("-phone", PHONE)):
            page = browser.new_context(base_url=live.url, viewport=viewport).new_page()
            page.goto("/login")
            page.get_by_label("User name").fill("rita")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{live.url}/")
            shots = (
                ("today", "/"),
                ("contact", _contact_path(live)),
                ("template-editor", "/templates/edit?template=call.intro:a&audience=sales"),
            )
            for name, path in shots:
                page.goto(path)
                target = out / f"{name}{suffix}.png"
                page.screenshot(path=str(target))
                made.append(target)
            page.context.close()
        browser.close()
    return made


def _contact_path(live: LiveApp) -> str:
    """A contact with some history: the first demo contact with touches."""
    with live.app.uow_factory()() as uow:
        for contact in uow.contacts.list(limit=60):
            assert contact.id is not None
            if len(uow.touches.for_contact(contact.id)) >= 3 and contact.owner is None:
                return f"/contacts/{contact.id}"
    return f"/contacts/{live.contacts['alice']}"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, live_app(Path(folder)) as live:
        for path in shoot(live, out):
            print(path)


if __name__ == "__main__":
    main()
