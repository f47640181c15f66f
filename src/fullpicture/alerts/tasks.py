"""Background tasks (django-tasks): the rules on new items, moves on relinked records.

Enqueued inside the writing transaction by ``receivers`` (``core.followups``); worked
by ``fullpicture worker`` (the database backend) or at once (the immediate backend, in
tests).
"""

from __future__ import annotations

from django_tasks import task

from fullpicture.alerts.selectors import persons_of_items
from fullpicture.alerts.services import (
    ACTOR,
    ALERT_SCOPE,
    MOVES_SCOPE,
    concern_rules_run,
    moves_detect,
)
from fullpicture.people.households import households_update
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.policy import SystemPurpose, system_access_required


@task()
def rules_for_items(item_ids: list[int]) -> int:
    """Run the cumulative-concern rules over the families the new items are about.

    As the system actor ``system:alerts`` for the purpose *alerting*: the policy point is
    asked before anything is read, and a refusal fails the task (nothing read or raised).
    """
    system_access_required(actor=ACTOR.id, purpose=SystemPurpose.ALERTING.value, scope=ALERT_SCOPE)
    persons = persons_of_items(item_ids)
    if not persons:
        return 0
    # Items can tie persons into a household (a domestic-abuse incident): families first.
    households_update(person_ids=persons)
    summary = concern_rules_run(person_ids=persons)
    return summary.raised + summary.updated


@task()
def moves_for_records(record_ids: list[int]) -> int:
    """Look for moves between partnerships by the persons of new or relinked records
    (asking the policy point first, as ``moves_detect`` does)."""
    system_access_required(actor=ACTOR.id, purpose=SystemPurpose.ALERTING.value, scope=MOVES_SCOPE)
    persons = set(
        SourceRecord.objects.filter(pk__in=record_ids, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    if not persons:
        return 0
    return moves_detect(person_ids=persons).moves
