"""The restore drill (issue #18): back up a running hub's database and data folder,
restore them into a fresh folder and database, and ``audit verify`` passes there.

Real commands in subprocesses, on SQLite always and on PostgreSQL when the suite runs
against it (``DATABASE_URL``), each on databases of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("DATABASE_URL", "")
DATABASES = ["sqlite"] + (["postgresql"] if SERVER.startswith("postgres") else [])


def _fullpicture(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FULLPICTURE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "fullpicture.config.settings.local",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    return subprocess.run(  # noqa: S603  (this interpreter, fixed arguments)
        [sys.executable, "-m", "fullpicture.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def database_urls(request: pytest.FixtureRequest) -> tuple[str, str]:
    if request.param == "sqlite":
        yield "", ""
        return
    base = SERVER.rsplit("/", 1)[0]
    names = [f"fp_restore_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    for name in names:
        _pg("createdb", name)
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    for name in names:
        _pg("dropdb", "--if-exists", name)


def _pg(tool: str, *args: str) -> None:
    server = ["--host", "127.0.0.1", "--username", "postgres"]
    subprocess.run([tool, *server, *args], check=True)  # noqa: S603 (PostgreSQL's tools)


@pytest.mark.parametrize("database_urls", DATABASES, indirect=True)
def test_backup_then_restore_then_the_ledger_verifies(tmp_path, database_urls):
    source_url, restored_url = database_urls
    live, fresh, backup = tmp_path / "live", tmp_path / "fresh", tmp_path / "backup"
    _ok(_fullpicture(live, source_url, "migrate", "--no-input", "-v", "0"))
    _ok(_fullpicture(live, source_url, "agency", "create", "--code", "RSTPOL",
                     "--name", "Restore Police", "--type", "police"))  # fmt: skip
    (live / "linkage").mkdir(exist_ok=True)
    (live / "linkage" / "model-v1.json").write_text("{}", "utf-8")
    checkpoint = tmp_path / "checkpoint.json"
    _ok(_fullpicture(live, source_url, "audit", "head", "--out", str(checkpoint)))
    head = json.loads(checkpoint.read_text("utf-8"))
    assert int(head["seq"]) > 0

    said = _ok(_fullpicture(live, source_url, "backup", str(backup)))
    assert "Backed up" in said
    refused = _fullpicture(live, source_url, "backup", str(backup))
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr

    said = _ok(_fullpicture(fresh, restored_url, "restore", str(backup)))
    assert "ledger verified" in said
    restored_head = json.loads(_ok(_fullpicture(fresh, restored_url, "audit", "head")))
    assert (restored_head["seq"], restored_head["hash"]) == (head["seq"], head["hash"])
    # the drill: the restored copy verifies against the checkpoint published before it
    verified = _fullpicture(fresh, restored_url, "audit", "verify", "--checkpoint", str(checkpoint))
    assert verified.returncode == 0, verified.stderr
    for name in ("ledger_key", "secret_key", "linkage/model-v1.json"):
        assert (fresh / name).read_bytes() == (live / name).read_bytes()
    agencies = _ok(_fullpicture(fresh, restored_url, "shell", "-c",
        "from fullpicture.partnerships.models import Agency;"
        "print(Agency.objects.filter(code='RSTPOL').count())"))  # fmt: skip
    assert agencies.strip().splitlines()[-1] == "1"


def test_a_changed_backup_is_refused_before_anything_is_touched(tmp_path):
    live, fresh, backup = tmp_path / "live", tmp_path / "fresh", tmp_path / "backup"
    _ok(_fullpicture(live, "", "migrate", "--no-input", "-v", "0"))
    _ok(_fullpicture(live, "", "backup", str(backup)))
    with (backup / "fullpicture.sqlite3").open("r+b") as handle:
        handle.seek(200)
        byte = handle.read(1)
        handle.seek(200)
        handle.write(bytes([byte[0] ^ 0xFF]))
    done = _fullpicture(fresh, "", "restore", str(backup))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"fullpicture.sqlite3 in {backup} is missing or changed since the backup."
    )
    assert "Traceback" not in done.stderr
