"""The classification system: the active one, validation of a candidate, activation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from custseg.api.deps import LangDep, SingleWriter, WorkspaceDep, require
from custseg.api.schemas import SystemCandidate, SystemPublic, ValidationPublic
from custseg.public import Permission, Principal

router = APIRouter(prefix="/system", tags=["system"])
Summary = Annotated[Principal, Depends(require(Permission.READ_SUMMARY))]
Editor = Annotated[Principal, Depends(require(Permission.EDIT_SYSTEM))]


@router.get("", response_model=SystemPublic)
def current(ws: WorkspaceDep, user: Summary) -> SystemPublic:
    """The active system as YAML, with its version."""
    active = ws.active_system.current()
    return SystemPublic(
        name=active.name,
        version=active.version,
        system_hash=active.system_hash,
        yaml=active.yaml_text,
    )


@router.post("/validate", response_model=ValidationPublic)
def validate(
    body: SystemCandidate, ws: WorkspaceDep, user: Editor, lang: LangDep
) -> ValidationPublic:
    """Validate a candidate: errors with file:line and key; lint warnings."""
    result = ws.active_system.validate(body.yaml)
    return ValidationPublic(
        valid=result.system is not None,
        errors=[
            {"message": e.render(lang), "path": e.path, "line": e.line, "key_path": e.key_path}
            for e in result.errors
        ],
        warnings=[w.render(lang) for w in result.warnings],
    )


@router.post("/activate", response_model=SystemPublic, dependencies=[SingleWriter])
def activate(body: SystemCandidate, ws: WorkspaceDep, user: Editor) -> SystemPublic:
    """Make a valid candidate the active system (a new version); runs use it from then on."""
    result = ws.active_system.validate(body.yaml)
    if result.system is None:
        raise result.errors[0]
    active = ws.active_system.activate(result.system, by=user.name)
    return SystemPublic(
        name=active.name,
        version=active.version,
        system_hash=active.system_hash,
        yaml=active.yaml_text,
    )
