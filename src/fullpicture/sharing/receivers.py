"""Reactions to lower floors' signals."""

from typing import Any

from django.dispatch import receiver

from fullpicture.people.signals import records_relinked
from fullpicture.sharing.services import items_follow_records


@receiver(records_relinked)
def _items_follow_records(sender: Any, record_ids: list[int], **kwargs: Any) -> None:
    items_follow_records(record_ids=record_ids)
