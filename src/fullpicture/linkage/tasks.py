"""Background tasks (django-tasks): relinking every existing link after a model change.

Worked by ``fullpicture db_worker`` (the database backend) or at once (the immediate
backend, in tests). A run stopped midway resumes where it stopped.
"""

from __future__ import annotations

from django_tasks import task

from fullpicture.audit.services import Actor
from fullpicture.linkage.models import RelinkRun
from fullpicture.linkage.relink import relink_run


@task()
def relink(run_id: int) -> int:
    """Work through one relink run; returns the number of proposals it left for review."""
    run = RelinkRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return 0
    return relink_run(run=run, actor=Actor.system("relink")).in_review
