"""Four eyes on every power that widens access (docs/decisions/0064-four-eyes.md).

What every app's four-eyes rules share, on the lowest floor that knows practitioners:

* ``WIDENING_ROLES``: the roles that open other agencies' information (MASH roles, the
  IG lead, the unscheduled-care clinician, the administrator). They are granted only
  through a role request that a second person approves (``partnerships.services``).
* ``roles_allowed_for(agency_type)``: the roles an agency of that type may hold by
  default (an API token's role beyond them needs a second person's approval).
* ``refusal_record``: the ledger event every refusal writes (``denied``, the rule as its
  reason code, ids only). Call it outside any transaction the refusal rolls back.
"""

from __future__ import annotations

from django.db import transaction

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.models import MASH_ROLES, AgencyType, RoleCode

WIDENING_ROLES = frozenset(
    {
        *MASH_ROLES,
        RoleCode.IG_LEAD.value,
        RoleCode.UNSCHEDULED_CARE_CLINICIAN.value,
        RoleCode.ADMINISTRATOR.value,
    }
)

# What an agency of each type may hold by default. Every agency has practitioners; the
# MASH sits in children's social care; unscheduled care is a hospital's.
_BY_TYPE: dict[str, frozenset[str]] = {
    AgencyType.CHILDRENS_SOCIAL_CARE.value: frozenset(MASH_ROLES),
    AgencyType.ACUTE_HOSPITAL.value: frozenset({RoleCode.UNSCHEDULED_CARE_CLINICIAN.value}),
}


def roles_allowed_for(agency_type: str) -> frozenset[str]:
    """The roles an agency of this type allows by default."""
    return frozenset({RoleCode.AGENCY_PRACTITIONER.value}) | _BY_TYPE.get(agency_type, frozenset())


class FourEyesRefused(Exception):
    """A power that widens access was asked for and approved by one person, or outside the
    approver's partnership: nothing was stored. The message names the rule."""


def refusal_record(
    *, actor: Actor, object_type: str, object_id: str | int = "", rule: str, purpose: str = ""
) -> None:
    """One ``denied`` ledger event for a refusal (ids and the rule, never personal data).

    It commits with the caller's outer transaction (a page's request), so call it after
    the refused work's own transaction has rolled back, never inside it."""
    with transaction.atomic():
        ledger_record(
            actor=actor,
            action=Action.DENIED,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
            reason_code=rule[:64],
            details={"rule": rule},
        )
