"""A locked, full, read-only or unreachable database is one plain sentence (issue #18)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from fullpicture import cli
from fullpicture.core.errors import plain_database_error


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("database is locked", "The database is busy"),
        ("canceling statement due to lock timeout", "The database is busy"),
        ("attempt to write a readonly database", "The database is read-only"),
        ("cannot execute INSERT in a read-only transaction", "The database is read-only"),
        ("database or disk is full", "The disk holding the database is full"),
        ("could not extend file: No space left on device", "The disk holding the database"),
        ("connection failed: Connection refused", "The database cannot be reached"),
    ],
)
def test_database_trouble_in_plain_words(message: str, words: str) -> None:
    assert (plain_database_error(OperationalError(message)) or "").startswith(words)


def test_other_errors_keep_their_traceback() -> None:
    assert plain_database_error(OperationalError("no such table: x")) is None
    assert plain_database_error(ValueError("database is locked")) is None


@pytest.mark.django_db(transaction=True)
def test_the_cli_says_one_sentence_for_a_read_only_database(
    tmp_path, capsys, read_only_database
) -> None:
    path = tmp_path / "links.csv"
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export-links", str(path)])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("The database is read-only")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not path.exists()
