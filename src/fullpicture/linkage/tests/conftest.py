"""Linkage test fixtures: a model folder of the test's own, a fresh real-time index,
and one small synthetic population generated once per session (real engine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fullpicture.audit.services import Actor
from fullpicture.linkage import matching
from fullpicture.linkage.engine import synth_population
from fullpicture.linkage.services import records_import_file
from fullpicture.partnerships.models import Agency
from fullpicture.partnerships.tests.factories import AgencyFactory, PartnershipFactory

AGENCY_TYPES = {
    "police": "police",
    "gp": "gp",
    "hospital": "acute_hospital",
    "school": "school",
    "housing": "housing",
    "childrens_social_care": "childrens_social_care",
    "probation": "probation",
}


@pytest.fixture(autouse=True)
def _own_model_dir(tmp_path: Path, settings: object) -> Iterator[None]:
    settings.FULLPICTURE_MODEL_DIR = tmp_path / "models"
    matching.index_forget()
    yield
    matching.index_forget()


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Per-agency CSVs of about 120 fictional people (households, twins, moves, typos)."""
    out = tmp_path_factory.mktemp("population")
    synth_population(120, out, seed=7)
    return out


def import_population(
    folder: Path, *, agencies: tuple[str, ...] = tuple(AGENCY_TYPES)
) -> dict[str, Agency]:
    """Import the population's CSVs (without linking) into one partnership."""
    partnership = PartnershipFactory(code="E06000099", name="Synthshire")
    made: dict[str, Any] = {}
    for name in agencies:
        path = folder / f"{name}.csv"
        agency = AgencyFactory(
            code=name.upper()[:12], name=name, type=AGENCY_TYPES[name], partnership=partnership
        )
        records_import_file(agency=agency, path=path, actor=Actor.system("test"))
        made[name] = agency
    return made
