"""Copy GOV.UK Frontend's built files from npm into the Python package.

The hub serves GOV.UK Frontend from inside the ``fullpicture`` package
(``web/static/govuk-frontend/``), so it is styled whatever folder it runs from and
a packaged install needs no ``node_modules``
(docs/decisions/0076-frontend-assets-in-the-package.md).
npm stays the source: after changing the version in package.json, run

    npm ci && .venv/bin/python scripts/vendor_govuk_frontend.py

and commit the result. A test fails while the package's copy and npm's differ.

The precompiled stylesheet asks for its fonts and images at ``/assets/``; the copy
asks for them beside itself (``assets/``), under the hub's static URL.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "govuk-frontend"
TARGET = ROOT / "src" / "fullpicture" / "web" / "static" / "govuk-frontend"
FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js")


def stylesheet_for_package(css: str) -> str:
    """The stylesheet with its absolute ``/assets/`` URLs made relative to itself."""
    return css.replace("url(/assets/", "url(assets/")


def vendor(source: Path = SOURCE, target: Path = TARGET) -> list[Path]:
    built = source / "dist" / "govuk"
    if not (built / FILES[0]).is_file():
        raise SystemExit(f"GOV.UK Frontend is not installed in {source}: run npm ci first.")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    css = (built / FILES[0]).read_text(encoding="utf-8")
    (target / FILES[0]).write_text(stylesheet_for_package(css), encoding="utf-8")
    shutil.copy2(built / FILES[1], target / FILES[1])
    shutil.copytree(built / "assets", target / "assets")
    version = json.loads((source / "package.json").read_text(encoding="utf-8"))["version"]
    (target / "VERSION").write_text(version + "\n", encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file())


if __name__ == "__main__":
    written = vendor()
    sys.stdout.write(f"{len(written)} files written to {TARGET.relative_to(ROOT)}\n")
