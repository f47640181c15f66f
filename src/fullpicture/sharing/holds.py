"""Legal holds, as the sharing app sees them: a signal a higher floor answers.

Legal holds are governance's records (``governance.LegalHold``), and sharing stands on a
lower floor than governance, so sharing never imports them. Before an item is removed
(a challenge answered "removed") sharing asks ``item_removal_blockers``; governance's
receiver answers with the hold's reason when the item, one of its persons or one of its
subject records is held. Any non-empty answer refuses the removal; an error in a receiver
refuses it too (fail closed). Retention keeps its own rules (governance.retention).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.dispatch import Signal

# sender: the InformationItem class; kwargs: item_id, person_ids, record_ids.
# Each receiver returns the reason of a hold that stops the removal, or "".
item_removal_blockers = Signal()


def item_removal_blocked(
    *, item_id: int, person_ids: Sequence[int], record_ids: Sequence[int]
) -> str:
    """The reason a legal hold stops removing this item ("" when nothing does)."""
    from fullpicture.sharing.models import InformationItem

    for _receiver, answer in item_removal_blockers.send(
        sender=InformationItem,
        item_id=item_id,
        person_ids=list(person_ids),
        record_ids=list(record_ids),
    ):
        if answer:
            return str(answer)
    return ""
