"""Reads for the feeds, through the policy point: who else is involved with a person, and
per agency whether anything was found, nothing was found, or the feed does not cover them.

An involvement is visible exactly when its record is: a viewer who may see an agency's
records of people for the purpose (``records_visible_to``) sees its involvements, and no
one else does. Coverage is said only for agencies the viewer may see, so it never tells
that an agency the viewer may not see holds anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.people.models import Person, SourceRecord
from fullpicture.sharing.models import FeedKind, FeedStatus, Involvement
from fullpicture.sharing.policy import policy_context, record_agencies_for
from fullpicture.sharing.selectors import agencies_visible_to, records_visible_to


def person_involvements(*, viewer: Practitioner, person: Person, purpose: str) -> list[Involvement]:
    """Every involvement with the person from agencies whose records the viewer may see:
    current ones first (latest contact first), then the ones that ended."""
    records = records_visible_to(viewer=viewer, purpose=purpose).filter(person=person)
    found = Involvement.objects.filter(record__in=records.values("pk")).select_related("agency")
    return sorted(
        found,
        key=lambda i: (
            i.ended_on is not None,
            -(i.latest_contact_on or i.started_on).toordinal(),
            i.agency.name,
            i.pk,
        ),
    )


FOUND = "found"
NONE_FOUND = "none_found"
NOT_COVERED = "not_covered"
NO_FEED = "no_feed"
CONSENT_ONLY = "consent_only"


@dataclass(frozen=True)
class AgencyCoverage:
    agency: Agency
    state: str
    records: int
    items: int
    current_to: dt.datetime | None
    why: str = ""
    covers_from: dt.date | None = None

    @property
    def label(self) -> str:
        return {
            FOUND: "Records found",
            NONE_FOUND: "None found",
            NOT_COVERED: "Not covered",
            NO_FEED: "No feed received",
            CONSENT_ONLY: "Only with consent",
        }[self.state]


def _district(postcode: str) -> str:
    return postcode.upper().split()[0] if postcode.strip() else ""


def _not_covered(status: FeedStatus, records: Sequence[SourceRecord]) -> str:
    """Why the feed does not cover this person ('' when it does, or cannot tell)."""
    today = timezone.localdate()
    births = sorted({r.date_of_birth for r in records if r.date_of_birth})
    if births and (status.min_age is not None or status.max_age is not None):
        ages = [today.year - b.year - ((today.month, today.day) < (b.month, b.day)) for b in births]
        low = status.min_age if status.min_age is not None else 0
        high = status.max_age if status.max_age is not None else 200
        if all(a < low or a > high for a in ages):
            return f"its feed covers ages {low} to {high}"
    areas = status.area.split()
    districts = {_district(r.postcode) for r in records if r.postcode.strip()}
    if areas and districts and not districts & set(areas):
        return f"its feed covers {', '.join(areas)}"
    return ""


def person_coverage(
    *,
    viewer: Practitioner,
    person: Person,
    purpose: str,
    records: Sequence[SourceRecord],
    items: Sequence[Any],
) -> list[AgencyCoverage]:
    """Per agency the viewer may see: found, none found, not covered or no feed, and how
    current its feed is. ``records`` and ``items`` are what the page already shows (the
    person's records and chronology, both read through the policy point)."""
    agencies = {a.pk: a for a in agencies_visible_to(viewer=viewer, purpose=purpose)}
    # Agencies joined only by agreements that rest on consent: without a record shown,
    # nothing may be said (neither "none found" nor "not covered"), as consent decides.
    consent_only = record_agencies_for(policy_context(viewer=viewer, purpose=purpose)).consent_only
    more = {i.source_agency_id for i in items} | {r.agency_id for r in records}
    agencies.update(Agency.objects.in_bulk(sorted(more - set(agencies))))
    statuses = {
        s.agency_id: s
        for s in FeedStatus.objects.filter(agency_id__in=list(agencies), kind=FeedKind.ITEMS)
    }
    result = []
    for agency in sorted(agencies.values(), key=lambda a: a.name):
        held = [r for r in records if r.agency_id == agency.pk]
        shown = [i for i in items if i.source_agency_id == agency.pk]
        status = statuses.get(agency.pk)
        current_to = status.current_to if status else None
        if held or shown:
            state, why = FOUND, ""
        elif agency.pk in consent_only:
            state, why = CONSENT_ONLY, "shared for this purpose only where consent is given"
        elif status is None:
            state, why = NO_FEED, "nothing can be said about what it holds"
        else:
            why = _not_covered(status, records)
            state = NOT_COVERED if why else NONE_FOUND
        result.append(
            AgencyCoverage(
                agency=agency,
                state=state,
                records=len(held),
                items=len(shown),
                current_to=current_to,
                why=why,
                covers_from=status.covers_from if status else None,
            )
        )
    return result


def family_involvements(
    *, viewer: Practitioner, persons: Sequence[Person], purpose: str
) -> list[tuple[Person, Involvement]]:
    """``person_involvements`` for each member of a family, in the order given."""
    return [
        (person, involvement)
        for person in persons
        for involvement in person_involvements(viewer=viewer, person=person, purpose=purpose)
    ]
