"""Signals from the people floor that higher floors react to (never imported upwards)."""

from django.dispatch import Signal

# Sent with ``record_ids`` when source records move to another person (link,
# unlink, merge, split), inside the transaction that moved them, so that items
# about those records follow them to their new person.
records_relinked = Signal()
