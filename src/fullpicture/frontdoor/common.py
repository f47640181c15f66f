"""What the front door's reads and writes share: its purpose, refusals, the working week.

Both ``selectors`` and ``services`` stand on this module, so neither imports the other's
floor upside down (services may read through selectors; selectors never import services).
"""

from __future__ import annotations

from django.utils import timezone

from fullpicture.frontdoor.models import Timescales
from fullpicture.frontdoor.workinghours import WorkingWeek, bank_holidays
from fullpicture.partnerships.models import (
    MASH_ROLES,
    Agency,
    AgencyType,
    Partnership,
    RoleCode,
)
from fullpicture.sharing.policy import Purpose

PURPOSE = Purpose.SAFEGUARDING_ENQUIRY.value
REFERRING_ROLES = frozenset(
    {
        RoleCode.AGENCY_PRACTITIONER.value,
        RoleCode.MASH_PRACTITIONER.value,
        RoleCode.MASH_MANAGER.value,
        RoleCode.UNSCHEDULED_CARE_CLINICIAN.value,
    }
)


class FrontDoorRefused(Exception):
    """A write that breaks a rule: nothing was stored; ``errors`` say why, plainly.

    An error about one field is given as ``(field, message)``: ``fields`` maps each such
    field to its message, so a page can link the error summary to the field and show the
    message beside it (the GOV.UK error pattern)."""

    def __init__(self, *errors: str | tuple[str, str]) -> None:
        messages = [e if isinstance(e, str) else e[1] for e in errors]
        super().__init__("; ".join(messages))
        self.errors = messages
        self.fields = {e[0]: e[1] for e in errors if not isinstance(e, str)}


class ContactNotFound(Exception):
    """A missing contact, and one the user may not see, alike."""


# --------------------------------------------------------------------------------------
# Timescales: the partnership's working week, seeded with defaults on first use
# --------------------------------------------------------------------------------------


def timescales_for(*, partnership: Partnership) -> Timescales:
    timescales, _ = Timescales.objects.get_or_create(partnership=partnership)
    return timescales


def working_week(*, timescales: Timescales) -> WorkingWeek:
    return WorkingWeek(
        starts=timescales.day_starts,
        ends=timescales.day_ends,
        weekdays=timescales.weekday_numbers,
        holidays=bank_holidays(timescales.bank_holidays),
        tz=timezone.get_default_timezone(),
    )


def mash_agency_for(*, partnership_id: int | None) -> Agency | None:
    """The partnership's MASH: its children's social care agency with MASH staff."""
    if partnership_id is None:
        return None
    agencies = Agency.objects.filter(
        partnership_id=partnership_id, type=AgencyType.CHILDRENS_SOCIAL_CARE
    ).order_by("pk")
    staffed = agencies.filter(practitioners__roles__code__in=sorted(MASH_ROLES)).first()
    return staffed or agencies.first()
