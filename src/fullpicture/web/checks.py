"""Start-up checks: the pages' GOV.UK Frontend files ship inside the package.

A hub that starts without them serves unstyled pages that still look as if they work;
a missing file stops the server instead, naming the file and how to restore it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.checks import Error, register

STATIC = Path(__file__).resolve().parent / "static" / "govuk-frontend"
REQUIRED = (
    "govuk-frontend.min.css",
    "govuk-frontend.min.js",
    "assets/images/favicon.ico",
    "assets/fonts/bold-b542beb274-v2.woff2",
    "assets/fonts/light-94a07e06a1-v2.woff2",
)


def missing_assets(root: Path | None = None) -> list[str]:
    folder = STATIC if root is None else root
    return [name for name in REQUIRED if not (folder / name).is_file()]


@register()
def govuk_frontend_assets(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"GOV.UK Frontend's file {name} is missing from {STATIC}.",
            hint="Reinstall Full Picture, or from a checkout run "
            "`npm ci && .venv/bin/python scripts/vendor_govuk_frontend.py`.",
            id="fullpicture.E001",
        )
        for name in missing_assets()
    ]
