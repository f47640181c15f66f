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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fullpicture.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fullpicture", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
