"""The Import page: upload a CSV or vCard file, map its columns, preview, import with
progress, download the rejects file (PRODUCT.md §7). The work is web/imports.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from ringback.domain.access import TEAM, User
from ringback.domain.errors import InvalidField, NotFound
from ringback.services.accounts import list_users
from ringback.services.contacts import UowFactory
from ringback.web.deps import (
    AppDep,
    Now,
    PageUser,
    SubmittedForm,
    TeamSettingsDep,
    UowFactoryDep,
)
from ringback.web.imports import (
    ImportJob,
    ImportJobs,
    JobStatus,
    mapping_rows,
    preview,
    set_mapping,
    target_options,
)
from ringback.web.pages.common import is_htmx, see_other
from ringback.web.templating import render

router = APIRouter()


def jobs_of(request: Request) -> ImportJobs:
    jobs: ImportJobs = request.app.state.import_jobs
    return jobs


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, user: PageUser) -> HTMLResponse:
    context = {"active": "import", "jobs": jobs_of(request).of(user.actor)}
    return render(request, "import.html", context, user=user)


@router.post("/import", response_class=HTMLResponse)
def upload(request: Request, user: PageUser, file: Annotated[UploadFile, File()]) -> Response:
    try:
        if not file.filename:
            raise InvalidField("file", "choose a CSV or vCard file to upload")
        job = jobs_of(request).create(user.actor, file.filename, file.file)
    except InvalidField as refused:
        jobs = jobs_of(request).of(user.actor)
        context = {"active": "import", "jobs": jobs, "error": str(refused)}
        return render(request, "import.html", context, user=user, status_code=422)
    return see_other(f"/import/{job.id}")


@router.get("/import/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request,
    job_id: str,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
) -> HTMLResponse:
    job = jobs_of(request).get(user.actor, job_id)
    region = team.region(app.settings.default_region)
    return _job_page(request, user, region, job, uow_factory)


def _job_page(
    request: Request,
    user: User,
    region: str,
    job: ImportJob,
    uow_factory: UowFactory,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = preview(job, region) if job.status is JobStatus.MAPPING else []
    context = {
        "active": "import",
        "job": job,
        "mapping": mapping_rows(job),
        "target_options": target_options,
        "preview": rows,
        "owners": _owner_choices(uow_factory, user),
        "error": error,
        "region": region,
    }
    return render(request, "import_job.html", context, user=user, status_code=status_code)


def _owner_choices(uow_factory: UowFactory, user: User) -> list[tuple[str, str]]:
    choices = [(TEAM, "the team"), (user.name, f"me ({user.name})")]
    if user.actor.sees_everything:
        names = [u.name for u in list_users(uow_factory) if u.name != user.name]
        choices += [(name, name) for name in names]
    return choices


@router.post("/import/{job_id}", response_class=HTMLResponse)
def map_or_start(
    request: Request,
    job_id: str,
    user: PageUser,
    app: AppDep,
    uow_factory: UowFactoryDep,
    team: TeamSettingsDep,
    now: Now,
    form: SubmittedForm,
) -> Response:
    """Save the mapping and owner; `action=start` then starts the import."""
    jobs = jobs_of(request)
    job = jobs.get(user.actor, job_id)
    chosen = {
        column: str(form.get(f"map-{index}") or "")
        for index, column, _ in mapping_rows(job)
        if form.get(f"map-{index}")
    }
    owner = str(form.get("owner") or TEAM)
    region = team.region(app.settings.default_region)
    try:
        if job.status is not JobStatus.MAPPING:
            raise InvalidField("import", "this file was imported already")
        set_mapping(job, user.actor, chosen, _owner(owner, user))
        if form.get("action") == "start":
            jobs.start(job, uow_factory, region, now)
    except InvalidField as refused:
        return _job_page(request, user, region, job, uow_factory, str(refused), 422)
    return see_other(f"/import/{job.id}")


def _owner(value: str, user: User) -> str | None:
    if value == TEAM:
        return None
    if value != user.name and not user.actor.sees_everything:
        raise InvalidField("owner", "you can import for the team or for yourself only")
    return value


@router.get("/import/{job_id}/progress", response_class=HTMLResponse)
def progress(request: Request, job_id: str, user: PageUser) -> Response:
    """The progress box: HTMX polls it every second while the import runs."""
    job = jobs_of(request).get(user.actor, job_id)
    if not is_htmx(request):
        return see_other(f"/import/{job.id}")
    response = render(request, "_import_progress.html", {"job": job}, user=user)
    if job.status is not JobStatus.RUNNING:
        response.headers["HX-Refresh"] = "true"  # the finished page, with its links
    return response


@router.get("/import/{job_id}/rejects.csv")
def rejects(request: Request, job_id: str, user: PageUser) -> Response:
    job = jobs_of(request).get(user.actor, job_id)
    if not job.has_rejects:
        raise NotFound("this import refused no row: there is no rejects file")
    name = job.filename.rsplit(".", 1)[0] + ".rejects.csv"
    return FileResponse(job.rejects_path, media_type="text/csv", filename=name)
