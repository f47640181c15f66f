"""GOV.UK Frontend ships inside the package: styled from any folder, stopped if missing."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from fullpicture.web import checks

ROOT = Path(__file__).resolve().parents[4]
NPM = ROOT / "node_modules" / "govuk-frontend"


def _vendor_module():
    spec = importlib.util.spec_from_file_location(
        "vendor", ROOT / "scripts" / "vendor_govuk_frontend.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_package_copy_is_npms_copy():
    """Upgrading govuk-frontend in package.json without re-vendoring fails here."""
    vendor = _vendor_module()
    version = json.loads((NPM / "package.json").read_text(encoding="utf-8"))["version"]
    assert (checks.STATIC / "VERSION").read_text(encoding="utf-8").strip() == version
    built = NPM / "dist" / "govuk"
    css = (built / "govuk-frontend.min.css").read_text(encoding="utf-8")
    packaged_css = (checks.STATIC / "govuk-frontend.min.css").read_text(encoding="utf-8")
    assert packaged_css == vendor.stylesheet_for_package(css)
    assert "url(/assets/" not in packaged_css
    js = (built / "govuk-frontend.min.js").read_bytes()
    assert (checks.STATIC / "govuk-frontend.min.js").read_bytes() == js
    npm_assets = sorted(p.relative_to(built) for p in (built / "assets").rglob("*") if p.is_file())
    ours = sorted(
        p.relative_to(checks.STATIC) for p in (checks.STATIC / "assets").rglob("*") if p.is_file()
    )
    assert ours == npm_assets


def test_every_url_the_stylesheet_asks_for_is_in_the_package():
    css = (checks.STATIC / "govuk-frontend.min.css").read_text(encoding="utf-8")
    urls = {part.split(")")[0] for part in css.split("url(")[1:]}
    assert urls, "the stylesheet names its fonts and images"
    for url in urls:
        assert (checks.STATIC / url).is_file(), url


def test_static_files_are_found_inside_the_package_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = finders.find("govuk-frontend/govuk-frontend.min.css")
    assert found is not None
    assert Path(found).resolve().is_relative_to(checks.STATIC.resolve())


@pytest.mark.django_db
def test_collected_from_any_folder_and_served(tmp_path, monkeypatch, settings):
    """As the demo and a packaged install do: collectstatic, then WhiteNoise serves."""
    monkeypatch.chdir(tmp_path)
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (settings.STATIC_ROOT / "govuk-frontend" / "govuk-frontend.min.css").is_file()
    client = Client()  # a new handler: WhiteNoise reads STATIC_ROOT when it starts
    html = client.get("/sign-in/").content.decode()
    assert "/static/govuk-frontend/govuk-frontend.min.css" in html
    for path in (
        "govuk-frontend/govuk-frontend.min.css",
        "govuk-frontend/govuk-frontend.min.js",
        "govuk-frontend/assets/fonts/bold-b542beb274-v2.woff2",
        "govuk-frontend/assets/images/favicon.ico",
    ):
        served = client.get(f"/static/{path}")
        body = b"".join(served.streaming_content)
        served.close()
        assert served.status_code == 200, path
        assert body == (settings.STATIC_ROOT / path).read_bytes(), path


def test_a_missing_asset_stops_the_server_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(checks, "STATIC", tmp_path)
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    assert "govuk-frontend.min.css is missing" in str(refused.value)
    assert "vendor_govuk_frontend.py" in str(refused.value)


def test_the_cli_refuses_to_start_without_the_assets(tmp_path):
    """Through the real command line, with the package's copy hidden."""
    env = {**os.environ, "FULLPICTURE_HOME": str(tmp_path / "home")}
    code = (
        "import sys; from pathlib import Path; from fullpicture.web import checks; "
        f"checks.STATIC = Path({str(tmp_path)!r}); "
        "from fullpicture.cli import main; sys.argv = ['fullpicture', 'check']; main()"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "fullpicture.E001" in done.stderr
