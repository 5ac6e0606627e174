"""FastAPI dependencies shared by the routers: the app's tutor and settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tutor import Settings, Tutor, Unavailable


async def get_tutor(request: Request) -> Tutor:
    """The app's tutor, built by the lifespan (async: nothing here blocks, and a sync
    dependency would cost every request a trip to a worker thread)."""
    found: Tutor | None = getattr(request.app.state, "tutor", None)
    if found is None:
        raise Unavailable("the tutor is still starting")
    return found


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


TutorDep = Annotated[Tutor, Depends(get_tutor)]
