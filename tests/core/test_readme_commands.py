"""The README's command table matches the commands: each exists, and each required
option of each command is shown (issue #18: ``--agency`` was missing)."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands, load_command_class

README = Path(__file__).resolve().parents[2] / "README.md"


def _table_rows() -> list[str]:
    return [
        line
        for line in README.read_text("utf-8").splitlines()
        if line.startswith("| `fullpicture ")
    ]


def test_every_command_in_the_readme_exists_and_shows_its_required_options() -> None:
    commands = get_commands()
    rows = _table_rows()
    assert len(rows) > 10
    for row in rows:
        shown = row.split("|")[1].strip()
        for name in re.findall(r"`(?:fullpicture )?([a-z][a-z0-9_-]*)[^`]*`", shown):
            if name not in commands:
                continue  # a subcommand written on its own, such as `chart`
            parser = load_command_class(commands[name], name).create_parser("fullpicture", name)
            for action in parser._actions:
                if action.required and action.option_strings:
                    assert action.option_strings[-1] in shown, f"{name}: {action.option_strings}"
        first = re.match(r"`fullpicture ([a-z][a-z0-9_-]*)", shown)
        assert first is not None
        assert first.group(1) in commands, first.group(1)
