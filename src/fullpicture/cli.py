"""The one command-line entry point, ``fullpicture``.

It wraps Django's management, so ``fullpicture migrate``, ``fullpicture
createsuperuser`` and ``fullpicture shell -c "..."`` work, and it carries the
project's own commands (``fullpicture demo``, ``fullpicture import-records``...),
which live with their apps as management commands.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a command; a locked, read-only, full or unreachable database, or another
    linking run, is reported in one plain sentence (exit status 1), not a traceback.
    ``--traceback`` shows the traceback as well."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fullpicture.config.settings.local")
    from django.core.management import execute_from_command_line

    from fullpicture.core.errors import PlainError, plain_database_error

    args = sys.argv[1:] if argv is None else argv
    try:
        execute_from_command_line(["fullpicture", *args])
    except PlainError as exc:
        if "--traceback" in args:
            raise
        sys.stderr.write(f"{exc}\n")
        sys.exit(1)
    except Exception as exc:
        sentence = plain_database_error(exc)
        if sentence is None or "--traceback" in args:
            raise
        sys.stderr.write(f"{sentence}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
