"""A cumulative-concern alert as a work context: it justifies reading, for a safeguarding
enquiry, the persons it names (and their households), for the MASH practitioners and
managers of the partnership it was raised to. Its explanation is read in it, so the MASH
sees what the alert counted as far as the agreements, withholds and consent allow.
Registered with the policy point when Django starts."""

from __future__ import annotations

import datetime as dt

from fullpicture.alerts.models import Alert
from fullpicture.partnerships.models import MASH_ROLES, Practitioner
from fullpicture.sharing.contexts import WorkContext, register_work_context, with_households
from fullpicture.sharing.policy import Purpose

ALERT_PURPOSES = frozenset({Purpose.SAFEGUARDING_ENQUIRY.value})


def alert_context(viewer: Practitioner, alert_id: int, at: dt.datetime) -> WorkContext | None:
    if viewer.partnership_id is None or not viewer.role_codes & MASH_ROLES:
        return None
    alert = Alert.objects.filter(pk=alert_id, partnership_id=viewer.partnership_id).first()
    if alert is None:
        return None
    return WorkContext(
        kind="alert",
        object_id=alert_id,
        purposes=ALERT_PURPOSES,
        person_ids=with_households(alert.persons.values_list("pk", flat=True)),
    )


def register() -> None:
    register_work_context(
        "alert", alert_context, default_purpose=Purpose.SAFEGUARDING_ENQUIRY.value
    )
