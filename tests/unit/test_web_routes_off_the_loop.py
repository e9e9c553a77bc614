"""Database work stays off the event loop: a page or API route that reads or writes
through the unit of work is a plain `def` (FastAPI runs it in the thread pool), so
one slow save never holds up the requests the loop is serving (the touch API)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from ringback.bootstrap import App
from ringback.settings import Settings
from ringback.web.app import create_app
from ringback.web.deps import get_read_uow_factory, get_uow_factory

# `async def` routes that hand their database work to the thread pool themselves
# (run_in_threadpool), after awaiting something else first.
HAND_OFF_THEIR_DATABASE_WORK = {"login", "call"}


def _routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router
            yield from _routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from _routes(route.routes)


def test_routes_using_the_database_run_in_the_thread_pool(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'r.sqlite'}", data_dir=tmp_path)
    routes = list(_routes(create_app(App(settings)).routes))
    database = {get_uow_factory, get_read_uow_factory}

    on_the_loop = sorted(
        f"{sorted(route.methods)} {route.path} ({route.endpoint.__name__})"
        for route in routes
        if inspect.iscoroutinefunction(route.endpoint)
        and database & {dependency.call for dependency in route.dependant.dependencies}
        and route.endpoint.__name__ not in HAND_OFF_THEIR_DATABASE_WORK
    )

    assert len(routes) > 50
    assert on_the_loop == []
