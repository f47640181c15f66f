"""``fullpicture demo`` stops, with its background worker, within 5 s of Ctrl-C or SIGTERM
(and its worker does not outlive it even when it is killed).

A real ``fullpicture demo`` in a subprocess, on a data folder of its own (SQLite).
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[4]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_until(
    process: subprocess.Popen[str], marker: str, timeout: float, readers: list[threading.Thread]
) -> list[str]:
    """Lines of the demo's output up to the one containing ``marker``."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    readers.append(threading.Thread(target=pump, daemon=True))
    readers[-1].start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        if not line:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"the demo never said {marker!r}: {''.join(seen)[-2000:]}")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie (not yet reaped by its parent) has stopped too.
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    return "State:\tZ" in status


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-home")


@pytest.mark.parametrize(
    "signum",
    [signal.SIGTERM, signal.SIGINT, signal.SIGKILL],
    ids=["SIGTERM", "Ctrl-C", "killed"],  # killed: the kernel tells the worker (Linux)
)
def test_the_demo_stops_with_its_worker_within_five_seconds(home: Path, signum: int) -> None:
    env = {
        **os.environ,
        "FULLPICTURE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "fullpicture.config.settings.local",
        "PYTHONPATH": str(ROOT / "src"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(  # noqa: S603  (this interpreter, fixed arguments)
        [sys.executable, "-m", "fullpicture.cli", "demo", f"127.0.0.1:{_free_port()}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    readers: list[threading.Thread] = []
    try:
        lines = _read_until(process, "Full Picture is at", timeout=600, readers=readers)
        worker = int(next(x for x in lines if "Background worker" in x).split()[-1])
        assert not _gone(worker)
        process.send_signal(signum)
        started = time.monotonic()
        process.wait(timeout=5)
        while not _gone(worker) and time.monotonic() - started < 5:
            os.sched_yield()
        assert _gone(worker), "the worker outlived the demo"
        assert time.monotonic() - started <= 5
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for reader in readers:
            reader.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
