"""Options the sharing feed commands share (``--agency``, ``--current-to``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from fullpicture.core.csvfile import parse_datetime
from fullpicture.partnerships.models import Agency


def agency_for(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise CommandError(f"unknown agency '{code}': nothing was stored")
    return agency


def current_to_option(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError as exc:
        raise CommandError(f"--current-to '{value}' is not an ISO 8601 date or date-time") from exc
    if len(value) == 10:  # a date: complete to the end of that day
        moment += dt.timedelta(days=1, microseconds=-1)
    return moment
