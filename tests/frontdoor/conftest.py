"""Front-door tests that need the Sharetown demo (a higher floor), kept outside the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fullpicture.linkage import matching


@pytest.fixture(autouse=True)
def _fresh_linkage_index(tmp_path: Path, settings: object) -> Iterator[None]:
    """Each test gets its own model folder and a fresh real-time matching index."""
    settings.FULLPICTURE_MODEL_DIR = tmp_path / "models"
    matching.index_forget()
    yield
    matching.index_forget()
