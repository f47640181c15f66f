"""``fullpicture demo [ADDR]``: migrate, load Sharetown once, and serve the hub.

Served by waitress (a production WSGI server) with WhiteNoise for static
files, not by Django's development server.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fullpicture.demo.services import (
    DEMO_PASSWORD,
    DemoConflict,
    sharetown_accounts,
    sharetown_load,
)
from fullpicture.training.services import training_demo_code


class Command(BaseCommand):
    help = "Create or migrate the database, load the Sharetown demo (once) and serve the hub."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addr", nargs="?", default="127.0.0.1:8000", help="HOST:PORT")
        parser.add_argument("--no-serve", action="store_true", help="Load the demo, then stop.")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        host, _, port = options["addr"].rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("ADDR must be HOST:PORT, for example 127.0.0.1:8000")
        self.stdout.write(f"Data folder: {settings.FULLPICTURE_HOME}")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            loaded = sharetown_load(say=self.stdout.write)
        except DemoConflict as exc:
            raise CommandError(str(exc)) from exc
        if not loaded:
            self.stdout.write("Sharetown is already loaded: nothing added.")
        call_command("collectstatic", interactive=False, verbosity=0)
        self._print_accounts()
        if code := training_demo_code():
            self.stdout.write(f"Sharetown exercise join code: {code} (run it as trainer)\n")
        if options["no_serve"]:
            return
        from waitress import serve

        from fullpicture.config.wsgi import application

        # Background tasks (alert rules on new items) run in a worker beside the server,
        # in a session of its own so that the demo alone decides when it stops.
        worker = subprocess.Popen(
            [sys.executable, "-m", "fullpicture.cli", "worker", "-v", "0", "--no-startup-delay"],
            start_new_session=True,
            preexec_fn=_die_with_parent,  # only prctl before exec: safe
        )

        def stop(signum: int, frame: FrameType | None) -> None:
            # Ask the worker to stop at once, then stop the server (waitress ends on
            # KeyboardInterrupt, after at most a few seconds for requests in flight).
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
            raise KeyboardInterrupt

        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write(f"Background worker: process {worker.pid}")
        self.stdout.write(self.style.SUCCESS(f"Full Picture is at http://{host}:{port}/"))
        self.stdout.flush()
        try:
            serve(application, host=host, port=int(port), threads=options["threads"])
        except KeyboardInterrupt:
            pass
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            worker_stop(worker)
            self.stdout.write("Stopped.")

    def _print_accounts(self) -> None:
        self.stdout.write("\nDemo accounts (every password is " + DEMO_PASSWORD + "):")
        for account in sharetown_accounts():
            self.stdout.write(
                f"  {account.username:<28} {', '.join(account.roles):<34} {account.agency}"
            )
        self.stdout.write("")


def _die_with_parent() -> None:
    """On Linux, have the kernel send the worker SIGTERM if the demo dies without
    stopping it (SIGKILL, a crash), so no worker is left behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


PR_SET_PDEATHSIG = 1
WORKER_GRACE = 2.0  # seconds the worker has to finish its task before it is killed


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    """Stop the background worker: a SIGTERM, then SIGKILL if it is still busy. A task
    killed midway rolls back; the worker requeues it when it next starts."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=WORKER_GRACE)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
