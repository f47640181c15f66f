"""``fullpicture demo`` never overwrites data that is not demo data."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fullpicture.partnerships.models import Agency
from fullpicture.people.models import SourceRecord


def test_the_demo_never_overwrites_data_that_is_not_demo_data(db):
    Agency.objects.create(code="STPOL", name="A real force's own record", type="police")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("demo", "--no-serve")
    assert Agency.objects.get(code="STPOL").name == "A real force's own record"
    assert not SourceRecord.objects.exists()
