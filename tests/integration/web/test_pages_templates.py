"""Settings → Messages: templates, variants and the editor's live linting, on SQLite
and PostgreSQL (R7, R13, R19). Refused saves name the problem; none is a 500."""

from __future__ import annotations

from typing import Any

from conftest import Pages, csrf_of

INTRO = "/templates/edit?template=call.intro:a&audience=sales"
REASON_LINE = "I'm calling about {{ reason }}."


def intro_text(pages: Pages) -> str:
    """The shipped sales first voicemail as the editor shows it (a whole template file)."""
    page = pages.get("olivia", INTRO).text
    start = page.index(">", page.index('id="template-text"')) + 1
    text = page[start : page.index("</textarea>", start)]
    return text.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")


def lint(pages: Pages, who: str, text: str, **extra: str) -> str:
    form = {"text": text, "audience": "sales", **extra}
    response = pages.post(who, "/templates/lint", form, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    return response.text


def save(pages: Pages, who: str, text: str, how: str = "changes") -> Any:
    return pages.post(who, "/templates", {"text": text, "audience": "sales", "save": how})


def test_the_list_shows_every_key_with_its_variants(pages: Pages) -> None:
    page = pages.get("rita", "/templates").text

    for key in ("call.intro", "call.followup", "email.set_call", "letter.note"):
        assert f"<code>{key}</code>" in page
    assert 'href="/templates/edit?template=call.intro%3Aa&amp;audience=sales"' in page
    assert "Only owners and admins save templates" in page
    assert 'href="/templates"' in pages.get("rita", "/settings").text


def test_the_editor_shows_the_template_and_its_findings(pages: Pages) -> None:
    page = pages.get("olivia", INTRO)

    assert page.status_code == 200
    assert "key: call.intro" in page.text and "{% block intro %}" in page.text
    assert 'hx-post="/templates/lint"' in page.text
    assert '<span class="badge ready">ready</span>' in page.text


def test_live_linting_flags_a_call_back_request_without_a_reason_r7(pages: Pages) -> None:
    text = intro_text(pages)
    assert REASON_LINE in text

    refused = lint(pages, "rita", text.replace(REASON_LINE, "Please call me back."))
    fixed = lint(
        pages, "rita", text.replace(REASON_LINE, "Please call me back about {{ reason }}.")
    )

    assert 'data-code="call-back-without-reason"' in refused and "NOT ready" in refused
    assert "call-back-without-reason" not in fixed and "NOT ready" not in fixed
    assert "<html" not in refused  # a fragment


def test_linting_against_a_chosen_contact_renders_for_them(pages: Pages) -> None:
    zoe = pages.team.add_contact(full_name="Zoe Quinn", reason="the Harbor Labs pilot")

    text = lint(pages, "rita", intro_text(pages), contact=str(zoe["id"]))

    assert "Hi Zoe" in text and "the Harbor Labs pilot" in text


def test_saving_as_a_new_variant_lists_it_next_to_the_default(pages: Pages) -> None:
    text = intro_text(pages).replace("I'd like your view", "I would value your view")

    response = save(pages, "olivia", text, how="variant")

    assert response.status_code == 303
    assert response.headers["location"] == "/templates/edit?template=call.intro:b&audience=sales"
    listed = pages.get("olivia", "/templates").text
    assert 'href="/templates/edit?template=call.intro%3Ab&amp;audience=sales">b</a>' in listed
    editor = pages.get("olivia", response.headers["location"]).text
    assert "variant: b" in editor and "I would value your view" in editor


def test_saving_changes_replaces_the_template(pages: Pages) -> None:
    text = intro_text(pages).replace("I'd like your view", "Your view would help me")

    assert save(pages, "olivia", text).status_code == 303

    assert "Your view would help me" in intro_text(pages)


def test_a_save_with_an_unknown_field_is_refused_naming_it_r19(pages: Pages) -> None:
    text = intro_text(pages).replace("{{ reason }}", "{{ nickname }}")

    response = save(pages, "olivia", text)

    assert response.status_code == 422
    assert "Not saved: R19 (nickname)" in response.text
    assert "{{ nickname }}" in response.text  # the text is kept for fixing
    assert "{{ nickname }}" not in intro_text(pages)


def test_a_sandbox_violation_is_refused_not_a_500_r19(pages: Pages) -> None:
    text = intro_text(pages).replace("{{ reason }}", "{{ ''.__class__.__mro__ }}")

    response = save(pages, "olivia", text, how="variant")

    assert response.status_code == 422
    assert (
        "Not saved: R19: the template cannot be used" in response.text and "unsafe" in response.text
    )


def test_a_bad_header_is_refused_naming_the_key(pages: Pages) -> None:
    text = intro_text(pages).replace("step: first_voicemail", "step: smoke_signal")

    response = save(pages, "olivia", text)

    assert response.status_code == 422 and "Not saved: step" in response.text


def test_a_rep_may_lint_but_not_save(pages: Pages) -> None:
    response = save(pages, "rita", intro_text(pages), how="variant")

    assert response.status_code == 403
    assert "call.intro%3Ab" not in pages.get("rita", "/templates").text


def test_a_save_without_the_csrf_token_is_refused(pages: Pages) -> None:
    browser = pages.browser("olivia")
    form = {"text": intro_text(pages), "audience": "sales", "save": "variant"}

    response = browser.post("/templates", data=form, follow_redirects=False)

    assert response.status_code == 403
    assert csrf_of(browser.get("/settings").text)  # the session is still fine
