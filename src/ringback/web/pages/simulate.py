"""The Simulator page (/simulate): try cadence policies on a synthetic population
(R16) from the browser — the spec, days, seed and policies in a form, the run in a
background thread with a progress bar, then the side-by-side table, the
reached-over-time chart and downloads. The work is web/simulations.py.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from ringback.domain.access import User
from ringback.domain.errors import InvalidField
from ringback.simulate.policies import POLICIES
from ringback.simulate.spec import load_spec
from ringback.web.deps import PageUser
from ringback.web.pages.common import is_htmx, see_other
from ringback.web.simulations import (
    MAX_CONTACTS,
    MAX_DAYS,
    MAX_WORK,
    RunStatus,
    SimRun,
    SimRuns,
)
from ringback.web.templating import render

router = APIRouter()
EXAMPLE = Path(__file__).resolve().parent.parent.parent / "simulate" / "example.yaml"
DEFAULT_DAYS = 30
FORM_FIELDS = ("days", "seed", "policies", "run")  # errors about the spec show by the text
MAX_SPEC_BYTES = 100_000


def runs_of(request: Request) -> SimRuns:
    runs: SimRuns = request.app.state.sim_runs
    return runs


def example_spec() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request, user: PageUser) -> HTMLResponse:
    form = {"spec": example_spec(), "days": str(DEFAULT_DAYS), "seed": "1"}
    return _form_page(request, user, form, list(POLICIES))


def _form_page(
    request: Request,
    user: User,
    form: dict[str, str],
    chosen: list[str],
    error: InvalidField | None = None,
) -> HTMLResponse:
    where = None if error is None else (error.field if error.field in FORM_FIELDS else "spec")
    context = {
        "active": "analytics",
        "form": form,
        "policies": list(POLICIES),
        "chosen": chosen,
        "error": error,
        "error_at": where,
        "runs": runs_of(request).of(user.actor),
        "limits": {"contacts": MAX_CONTACTS, "days": MAX_DAYS, "work": MAX_WORK},
    }
    return render(
        request, "simulate.html", context, user=user, status_code=200 if error is None else 422
    )


@router.post("/simulate", response_class=HTMLResponse)
async def start(request: Request, user: PageUser) -> Response:
    data = await request.form()
    form = {name: str(data.get(name) or "").strip() for name in ("days", "seed")}
    form["spec"] = str(data.get("spec") or "")
    chosen = [str(p) for p in data.getlist("policy")]
    try:
        upload = data.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            form["spec"] = await _read_upload(upload)
        days = _whole(form["days"], "days")
        seed = _whole(form["seed"] or "1", "seed")
        spec = load_spec(form["spec"])
        run = runs_of(request).start(user.actor, spec, chosen, days, seed)
    except InvalidField as refused:
        return _form_page(request, user, form, chosen, refused)
    return see_other(f"/simulate/{run.id}")


async def _read_upload(upload: UploadFile) -> str:
    raw = await upload.read(MAX_SPEC_BYTES + 1)
    if len(raw) > MAX_SPEC_BYTES:
        raise InvalidField("file", f"a spec file is at most {MAX_SPEC_BYTES // 1000} kB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidField("file", "is not UTF-8 text (a YAML spec)") from None


def _whole(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidField(field, f"expected a whole number, got {text!r}") from None


@router.get("/simulate/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str, user: PageUser) -> HTMLResponse:
    run = runs_of(request).get(user.actor, run_id)
    status = run.status  # once: the run's thread may finish while the page renders
    context: dict[str, object] = {"active": "analytics", "run": run, "status": status.value}
    if status is RunStatus.DONE:
        context |= {"summaries": run.summaries(), "chart": run.reached_svg()}
    return render(request, "simulate_run.html", context, user=user)


@router.get("/simulate/{run_id}/progress", response_class=HTMLResponse)
def progress(request: Request, run_id: str, user: PageUser) -> Response:
    """The progress box: HTMX polls it every second while the run goes on."""
    run = runs_of(request).get(user.actor, run_id)
    if not is_htmx(request):
        return see_other(f"/simulate/{run.id}")
    status = run.status
    context = {"run": run, "status": status.value}
    response = render(request, "_simulate_progress.html", context, user=user)
    if status is not RunStatus.RUNNING:
        response.headers["HX-Refresh"] = "true"  # the finished page, with its results
    return response


@router.get("/simulate/{run_id}/results.json")
def results_json(request: Request, run_id: str, user: PageUser) -> Response:
    run = _finished(request, run_id, user)
    return _download(run.results_json(), "application/json", "results.json")


@router.get("/simulate/{run_id}/results.csv")
def results_csv(request: Request, run_id: str, user: PageUser) -> Response:
    run = _finished(request, run_id, user)
    return _download(run.results_csv(), "text/csv; charset=utf-8", "results.csv")


@router.get("/simulate/{run_id}/reached.svg")
def reached(request: Request, run_id: str, user: PageUser) -> Response:
    run = _finished(request, run_id, user)
    return _download(run.reached_svg(), "image/svg+xml", "reached.svg")


def _finished(request: Request, run_id: str, user: User) -> SimRun:
    run = runs_of(request).get(user.actor, run_id)
    if run.status is not RunStatus.DONE:
        raise InvalidField("run", "the simulation has not finished")
    return run


def _download(text: str, media_type: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type=media_type, headers=headers)
