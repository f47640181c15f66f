"""Writes for partnerships and agencies."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Q

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.models import Agency, AgencyType, Partnership

_CODE = re.compile(r"^[A-Z0-9_-]{2,32}$")


class AgencyError(ValueError):
    pass


DEFAULT_PARTNERSHIP_CODE = "DEFAULT"
DEFAULT_PARTNERSHIP_NAME = "Default partnership"


def partnership_default() -> tuple[Partnership, bool]:
    """The hub's default partnership (created on first use), for agencies created
    without one: so no agency's information is ever outside every partnership."""
    return Partnership.objects.get_or_create(
        code=DEFAULT_PARTNERSHIP_CODE, defaults={"name": DEFAULT_PARTNERSHIP_NAME}
    )


def agency_create(
    *, code: str, name: str, type: str, partnership: str = "", actor: Actor
) -> Agency:
    code = code.strip().upper()
    if not _CODE.match(code):
        raise AgencyError("--code must be 2 to 32 letters, digits, '-' or '_'")
    if not name.strip():
        raise AgencyError("--name must not be blank")
    if type not in AgencyType.values:
        raise AgencyError(f"--type must be one of: {', '.join(AgencyType.values)}")
    if Agency.objects.filter(code=code).exists():
        raise AgencyError(f"an agency with code {code} already exists")
    found: Partnership | None = None
    if partnership:
        found = Partnership.objects.filter(Q(code=partnership) | Q(name=partnership)).first()
        if found is None:
            found = Partnership.objects.create(code=partnership, name=partnership)
    else:
        # Every agency belongs to a partnership: without one named, the hub's default.
        found, _ = partnership_default()
    with transaction.atomic():
        agency = Agency.objects.create(code=code, name=name.strip(), type=type, partnership=found)
        ledger_record(actor=actor, action=Action.CREATE, object_type="agency", object_id=agency.pk)
    return agency
