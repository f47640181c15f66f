"""Follow-up work queued with the data that needs it (issue #18).

A lower floor cannot import the app that reacts to it (the alert rules sit above the
feeds and the linker), so the reacting app gathers what is due from signals
(``post_save``, ``records_relinked``) and enqueues its task when it hears
:data:`followups_due`. Services that write in bulk send it, through
:func:`followups_enqueue`, as the last step inside their transaction, so the task row
(django-tasks' database backend) commits with the data or not at all: a crash between
commit and enqueue can no longer leave data that no task will look at. What is gathered
outside such a service (a single save in a web request) is enqueued on commit, as a
fallback, and the full sweep (``fullpicture alerts sweep``) judges everything in any case.
"""

from __future__ import annotations

from django.dispatch import Signal

followups_due = Signal()


def followups_enqueue() -> None:
    """Enqueue, in the caller's transaction, the follow-up tasks gathered so far."""
    followups_due.send(sender=None)
