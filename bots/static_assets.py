"""A folder of native ES modules and style sheets, served as they are on disk (no build step).

The widget (`bots/widget_static/`) and the teacher page (`bots/teacher_static/`) each load
one entry module under a version segment, a hash of every script in their folder: relative
imports (`./api.js`) inherit the segment, so a changed file anywhere is a new URL for all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import Response

# Module scripts must come as JavaScript (browsers refuse any other type for them); files of
# any other kind in a folder (package.json, which marks the modules for Node's test runner)
# are not served.
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    version: str


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:12]


def read_assets(folder: Path) -> dict[str, Asset]:
    """The folder's scripts and style sheets by name, each with a short hash."""
    return {
        path.name: Asset(body, content_hash(body))
        for path in sorted(folder.iterdir())
        if path.suffix in TYPES and path.is_file()
        for body in [path.read_bytes()]
    }


def scripts_version(assets: dict[str, Asset]) -> str:
    """One hash over every script's name and content hash: the modules' shared URL segment."""
    scripts = sorted(f"{n} {a.version}" for n, a in assets.items() if n.endswith(".js"))
    return content_hash("\n".join(scripts).encode())


def asset_response(assets: dict[str, Asset], name: str, missing: str) -> Response:
    """The named script or style sheet; 404 with `missing` for anything else."""
    asset = assets.get(name)
    if asset is None:
        raise HTTPException(status_code=404, detail=missing)
    return Response(
        asset.body,
        media_type=TYPES[Path(name).suffix],
        headers={
            # the page asks for a content hash (`?v=` or a path segment), so a new file is a
            # new URL
            "Cache-Control": "public, max-age=86400",
            "X-Content-Type-Options": "nosniff",
        },
    )
