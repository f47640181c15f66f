"""Where the ledger key comes from: generated once in the data folder for one machine, and
production refuses to start without one it can read (like SECRET_KEY)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fullpicture.config.home import local_ledger_key, read_ledger_key

ROOT = Path(__file__).resolve().parents[4]


def test_the_local_key_is_generated_once_owner_only(tmp_path):
    path = tmp_path / "ledger_key"
    key = local_ledger_key(path)
    assert len(key) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_ledger_key(path) == key
    assert read_ledger_key(path) == key
    assert read_ledger_key(tmp_path / "missing") == ""


def _settings(module: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FULLPICTURE_", "SECRET"))}
    clean.update({"FULLPICTURE_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), **env})
    code = (
        f"import importlib; m = importlib.import_module('fullpicture.config.settings.{module}'); "
        "print(len(m.FULLPICTURE_LEDGER_KEY))"
    )
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, True),
        ({"FULLPICTURE_LEDGER_KEY": "short"}, True),
        ({"FULLPICTURE_LEDGER_KEY_FILE": "/nonexistent/ledger_key"}, True),
        ({"FULLPICTURE_LEDGER_KEY": "k" * 40}, False),
    ],
)
def test_production_refuses_to_start_without_a_key_it_can_read(tmp_path, env, refused):
    result = _settings("production", tmp_path, SECRET_KEY="s" * 50, **env)
    if refused:
        assert result.returncode != 0
        assert "The audit ledger key must be set in production" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
    assert not (tmp_path / "ledger_key").exists()  # production never makes one


def test_production_reads_a_key_file(tmp_path):
    key_file = tmp_path / "keys" / "ledger_key"
    key_file.parent.mkdir()
    key_file.write_text("f" * 44)
    result = _settings(
        "production", tmp_path, SECRET_KEY="s" * 50, FULLPICTURE_LEDGER_KEY_FILE=str(key_file)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "44"


def test_local_settings_generate_the_key_in_the_data_folder(tmp_path):
    result = _settings("local", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ledger_key").exists()
    assert stat.S_IMODE((tmp_path / "ledger_key").stat().st_mode) == 0o600
