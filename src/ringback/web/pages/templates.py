"""Settings → Messages: the message templates, their A/B variants, and an editor with
live linting (R7–R10, R13, R19).

Everyone may read templates and try the linter; owners and admins save them, as
with the rest of Settings (domain/access.py). The editor posts the text as it is
typed (HTMX, after a short pause) and gets back the linter's findings and a preview,
for the sample contact or a real one. A save the linter refuses (an unknown or
empty field, a refused operation in the sandbox, a call-back request without a
reason…) comes back as the editor with a message naming the problem, never a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ringback.bootstrap import App
from ringback.domain.access import User
from ringback.domain.errors import InvalidField, NotPermitted
from ringback.domain.scripts import (
    FIELD_HELP,
    Finding,
    MessageTemplate,
    Script,
    Severity,
    StepKind,
    parse_ref,
    template_from_text,
    template_to_text,
)
from ringback.services import directory
from ringback.services.contacts import UowFactory
from ringback.services.ports import ContactQuery
from ringback.services.scripts import preview_template
from ringback.services.templates import (
    get_template,
    lint_template,
    list_templates,
    save_as_new_variant,
    save_template,
)
from ringback.web.deps import AppDep, Now, PageUser, UowFactoryDep
from ringback.web.flash import flash
from ringback.web.pages.common import see_other
from ringback.web.templating import render

router = APIRouter()
PREVIEW_CONTACTS = 50  # contacts offered to preview against


@router.get("/templates", response_class=HTMLResponse)
def templates_page(
    request: Request, user: PageUser, uow_factory: UowFactoryDep, audience: str = ""
) -> HTMLResponse:
    """Every template in use, by audience and key, with its variants."""
    found = list_templates(uow_factory, audience=audience.strip() or None)
    groups: dict[tuple[str, str], list[MessageTemplate]] = {}
    for template in found:
        groups.setdefault((template.audience, template.key), []).append(template)
    context = {
        "active": "settings",
        "groups": sorted(groups.items()),
        "audience": audience.strip(),
        "may_change": user.actor.sees_everything,
    }
    return render(request, "templates.html", context, user=user)


@router.get("/templates/edit", response_class=HTMLResponse)
def edit_page(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    template: str,
    audience: str = "",
) -> HTMLResponse:
    """The editor for `template` (KEY or KEY:VARIANT) of `audience`."""
    chosen = audience.strip() or app.settings.audience
    found = get_template(uow_factory, parse_ref(template), chosen)
    text = template_to_text(found)
    report = _lint(app, user, uow_factory, now, text, chosen, None)
    return _editor(request, user, uow_factory, found, text, report)


def _editor(
    request: Request,
    user: User,
    uow_factory: UowFactory,
    template: MessageTemplate | None,
    text: str,
    report: Script,
    *,
    audience: str | None = None,
    contact_id: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    chosen = template.audience if template else audience
    context = {
        "active": "settings",
        "template": template,
        "audience": chosen,
        "text": text,
        "report": report,
        "contact_id": contact_id,
        "contacts": _preview_contacts(uow_factory, user),
        "variants": _variants(uow_factory, template),
        "fields": FIELD_HELP,
        "error": error,
        "may_change": user.actor.sees_everything,
    }
    return render(request, "template_edit.html", context, user=user, status_code=status_code)


def _variants(uow_factory: UowFactory, template: MessageTemplate | None) -> list[MessageTemplate]:
    if template is None:
        return []
    return list_templates(uow_factory, key=template.key, audience=template.audience)


def _preview_contacts(uow_factory: UowFactory, user: User) -> list[tuple[int, str]]:
    listed = directory.list_contacts(uow_factory, user.actor, ContactQuery(limit=PREVIEW_CONTACTS))
    return [(contact.id or 0, contact.full_name) for contact, _ in listed]


@router.post("/templates/lint", response_class=HTMLResponse)
def lint_page(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    text: Annotated[str, Form()] = "",
    audience: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The findings and preview for the text being edited (the editor's live linting)."""
    chosen = audience.strip() or app.settings.audience
    report = _lint(app, user, uow_factory, now, text, chosen, _contact_id(contact))
    return render(request, "_template_lint.html", {"report": report}, user=user)


def _lint(
    app: App,
    user: User,
    uow_factory: UowFactory,
    now: datetime,
    text: str,
    audience: str,
    contact_id: int | None,
) -> Script:
    """Linted for the sample contact, or rendered for a real one the user may see."""
    phrases = app.flagged_phrases()
    if contact_id is None:
        return lint_template(text, audience=audience, phrases=phrases, uow_factory=uow_factory)
    directory.get_contact(uow_factory, user.actor, contact_id)
    try:
        template = template_from_text(text, audience)
        sender = app.sender(user.name)
    except InvalidField as refused:
        return _finding_script(refused, audience)
    found = preview_template(
        uow_factory, contact_id, template, now, sender, calendar_user=user.name, phrases=phrases
    )
    return found.script


def _finding_script(refused: InvalidField, audience: str) -> Script:
    """A header or setting that cannot be read, as the linter's error finding (R19)."""
    finding = Finding("R19", "template-error", Severity.ERROR, str(refused), refused.field)
    return Script(StepKind.FIRST_VOICEMAIL, "", audience, "", None, 0.0, (finding,))


def _contact_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidField("contact", f"{text!r} is not a contact id")
    return int(text)


@router.post("/templates", response_class=HTMLResponse)
def save_page(
    request: Request,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    now: Now,
    text: Annotated[str, Form()] = "",
    audience: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    save: Annotated[str, Form()] = "changes",
) -> Response:
    """Save the text as the template it names (`save=changes`) or as a new variant of
    its key (`save=variant`, A/B). Refused when the linter finds an error."""
    if not user.actor.sees_everything:
        raise NotPermitted("only owners and admins change message templates")
    chosen = audience.strip() or app.settings.audience
    phrases = app.flagged_phrases()
    try:
        template = template_from_text(text, chosen)
    except InvalidField as refused:
        report = _finding_script(refused, chosen)
        return _refuse(request, user, uow_factory, None, text, report, chosen, str(refused))
    if save == "variant":
        template, report = save_as_new_variant(uow_factory, template, now, phrases)
    else:
        report = save_template(uow_factory, template, now, phrases)
    if not report.ready:
        return _refuse(request, user, uow_factory, template, text, report, chosen, _why(report))
    flash(request, f"Template {template.ref} ({template.audience}) saved.")
    return see_other(f"/templates/edit?template={template.ref}&audience={template.audience}")


def _refuse(
    request: Request,
    user: User,
    uow_factory: UowFactory,
    template: MessageTemplate | None,
    text: str,
    report: Script,
    audience: str,
    message: str,
) -> HTMLResponse:
    return _editor(
        request, user, uow_factory, template, text, report,
        audience=audience, error=f"Not saved: {message}", status_code=422,
    )  # fmt: skip


def _why(report: Script) -> str:
    refusal = report.refusal()
    if refusal is None:
        return "the linter found an error"
    where = f" ({refusal.field})" if refusal.field else ""
    return f"{refusal.rule}{where}: {refusal.message}"
