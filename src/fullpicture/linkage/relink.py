"""Relinking after the model changed: every existing link scored again, nothing moved silently.

A run first *plans*: the new model links every record afresh (reviewers' decisions
kept as they are, "not the same person" honoured) and each record whose person the
new model would change becomes a :class:`RelinkProposal`: a **join** (the record
would join another record's person) or a **break** (it would leave its person for
one of its own), with the old model's and the new model's score for the pair. A
link the new model confirms stays as it is.

Then it *works through* the proposals in order, in chunks of one transaction each:
a proposal goes to the review queue, unless the partnership chose automatic
application above a stated confidence and the move clears it; then the move is
made at once, as a ledger event, and can be undone. A proposal's status changes in
the same transaction as its move, so a run killed at any moment (``kill -9``)
finishes on the next with nothing applied twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.linkage.engine import LinkageModel, link_batch
from fullpicture.linkage.engine import Outcome as EngineOutcome
from fullpicture.linkage.engine.features import record_features
from fullpicture.linkage.engine.model import weight_to_prob
from fullpicture.linkage.locks import linker_locked
from fullpicture.linkage.models import (
    AutoRelink,
    LinkHistory,
    Method,
    NotSamePerson,
    Outcome,
    ProposalKind,
    ProposalStatus,
    RecordLink,
    RelinkProposal,
    RelinkRun,
)
from fullpicture.linkage.selectors import (
    may_review,
    model_current,
    model_current_path,
    model_label,
    model_path_of,
    record_in,
    records_for_engine,
)
from fullpicture.linkage.services import link_state_bump
from fullpicture.people.households import households_update
from fullpicture.people.models import Person, SourceRecord
from fullpicture.people.signals import records_relinked

log = logging.getLogger(__name__)

CHUNK = 500  # proposals worked through per transaction


class RelinkStopped(Exception):
    """Raised by ``stop_after`` in the middle of a chunk, as a kill would stop it."""


class NotAllowed(Exception):
    """The actor may not decide relink proposals."""


class Conflict(Exception):
    """The proposal was decided already, or its records moved since."""


@dataclass(frozen=True)
class RelinkSummary:
    run_id: int
    records: int
    confirmed: int
    proposals: int
    in_review: int
    applied: int
    finished: bool
    model: str = ""


def _model_of(label: str) -> LinkageModel | None:
    path = model_path_of(label)
    return LinkageModel.load(path) if path is not None else None


def relink_start(*, from_model: str, to_model: str | None = None) -> RelinkRun:
    """A new run for a model change; an unfinished earlier run is overtaken by it."""
    to_model = to_model or model_label(model_current_path())
    with transaction.atomic():
        for old in RelinkRun.objects.filter(finished_at__isnull=True):
            old.proposal_set.filter(status=ProposalStatus.PLANNED).update(
                status=ProposalStatus.STALE
            )
            old.finished_at = timezone.now()
            old.save(update_fields=["finished_at"])
        return RelinkRun.objects.create(from_model=from_model, to_model=to_model)


def relink_unfinished() -> RelinkRun | None:
    return RelinkRun.objects.filter(finished_at__isnull=True).order_by("-id").first()


def _pair_prob(model: LinkageModel | None, a: SourceRecord, b: SourceRecord) -> float | None:
    if model is None:
        return None
    weight, _levels = model.compiled().score(
        record_features(record_in(a)), record_features(record_in(b))
    )[:2]
    return weight_to_prob(weight)


def _plan(run: RelinkRun, progress: Callable[[int, int], None] | None) -> None:
    """Score every record again with the run's model and write what it would change."""
    new_model = _model_of(run.to_model) or model_current()
    old_model = _model_of(run.from_model)
    records = {
        r.pk: r for r in SourceRecord.objects.select_related("link").order_by("id").iterator()
    }
    links: dict[int, RecordLink | None] = {r.pk: getattr(r, "link", None) for r in records.values()}
    manual = {
        str(pk): f"p:{r.person_id}"
        for pk, r in records.items()
        if (link := links[pk]) is not None and link.manual and r.person_id is not None
    }
    cannot = [
        (str(a), str(b)) for a, b in NotSamePerson.objects.values_list("record_a_id", "record_b_id")
    ]
    assignments = link_batch(
        records_for_engine(records.values()),
        model=new_model,
        existing=manual,
        cannot_link=cannot,
        progress=progress,
    )
    cluster_of: dict[int, str] = {int(k): c for k, c in manual.items()}
    unsure: set[int] = set()  # the new model sends these to review: it proposes nothing
    for a in assignments:
        key = int(a.key)
        if a.outcome is EngineOutcome.REVIEW:
            unsure.add(key)
        alone = a.outcome is not EngineOutcome.LINKED
        cluster_of[key] = f"alone:{key}" if alone else a.cluster
    members: dict[str, list[int]] = defaultdict(list)
    for key, cluster in cluster_of.items():
        members[cluster].append(key)
    by_person: dict[int, list[int]] = defaultdict(list)
    for pk, r in records.items():
        if r.person_id is not None:
            by_person[r.person_id].append(pk)

    def main_person(cluster: str) -> int | None:
        keys = members[cluster]
        if len(keys) < 2:
            return None
        counts: dict[int, int] = defaultdict(int)
        for k in keys:
            pid = records[k].person_id
            if pid is not None:
                counts[pid] += 1
        if not counts:
            return None
        return min(counts, key=lambda p: (-counts[p], p))

    mains = {c: main_person(c) for c in members}
    # A move already waiting for a reviewer (from an earlier run) is not proposed again,
    # from either side.
    waiting = {
        pk
        for pair in RelinkProposal.objects.filter(status=ProposalStatus.REVIEW).values_list(
            "record_id", "other_id"
        )
        for pk in pair
    }
    proposals: list[RelinkProposal] = []
    confirmed = 0
    scored = 0
    for pk, r in records.items():
        link = links[pk]
        if link is None or link.manual or link.outcome == Outcome.REVIEW or r.person_id is None:
            continue
        if pk in waiting:
            continue
        scored += 1
        cluster = cluster_of.get(pk, f"alone:{pk}")
        target = mains.get(cluster)
        mates = [k for k in by_person[r.person_id] if k != pk]
        if target == r.person_id or (target is None and not mates):
            confirmed += bool(mates)
            continue
        if target is None:
            if pk in unsure:
                continue
            partners = [records[k] for k in mates]
            scores = [(_pair_prob(new_model, r, p) or 0.0, p) for p in partners]
            new_score, other = max(scores, key=lambda s: (s[0], -s[1].pk))
            if new_score >= new_model.upper:
                continue  # the pair itself still links: a clustering conflict, not a break
            kind = ProposalKind.BREAK
            old_score = link.score if old_model is None else _pair_prob(old_model, r, other)
        else:
            partners = [records[k] for k in members[cluster] if records[k].person_id == target]
            scores = [(_pair_prob(new_model, r, p) or 0.0, p) for p in partners]
            new_score, other = max(scores, key=lambda s: (s[0], -s[1].pk))
            kind = ProposalKind.JOIN
            old_score = _pair_prob(old_model, r, other)
        proposals.append(
            RelinkProposal(
                run=run,
                kind=kind,
                record=r,
                other=other,
                old_score=old_score,
                new_score=new_score,
                from_person_id=r.person_id,
            )
        )
    with transaction.atomic():
        RelinkProposal.objects.bulk_create(proposals, batch_size=1000, ignore_conflicts=True)
        run.records = scored
        run.confirmed = confirmed
        run.proposals = run.proposal_set.count()
        run.planned = True
        run.save(update_fields=["records", "confirmed", "proposals", "planned"])
    log.info(
        "relink plan: %d scored, %d confirmed, %d proposals", scored, confirmed, len(proposals)
    )


def _auto_thresholds() -> dict[int, float]:
    return dict(AutoRelink.objects.values_list("partnership_id", "above"))


def _confident(proposal: RelinkProposal, above: float | None) -> bool:
    if above is None or proposal.new_score is None:
        return False
    if proposal.kind == ProposalKind.JOIN:
        return proposal.new_score >= above
    return proposal.new_score <= 1 - above


def _move(
    proposal: RelinkProposal,
    *,
    actor: Actor,
    by_reviewer: bool,
    reason: str,
    model: str,
    back_to: int | None = None,
) -> None:
    """Make the proposal's move (or, with ``back_to``, put the record back in that
    person): links, history, ledger, signal (items follow)."""
    record = proposal.record
    before = record.person_id
    to_person: int | None
    if back_to is not None:
        to_person = back_to
        outcome = Outcome.LINKED if proposal.kind == ProposalKind.BREAK else Outcome.NEW_PERSON
        action = Action.LINK if proposal.kind == ProposalKind.BREAK else Action.UNLINK
        if SourceRecord.objects.filter(person_id=back_to).exclude(pk=record.pk).exists():
            outcome, action = Outcome.LINKED, Action.LINK
    elif proposal.kind == ProposalKind.JOIN:
        to_person = proposal.other.person_id
        outcome = Outcome.LINKED
        action = Action.LINK
    else:
        alone = (
            before is None
            or not SourceRecord.objects.filter(person_id=before).exclude(pk=record.pk).exists()
        )
        to_person = before if alone else Person.objects.create().pk
        outcome = Outcome.NEW_PERSON
        action = Action.UNLINK
    SourceRecord.objects.filter(pk=record.pk).update(person_id=to_person)
    record.person_id = to_person
    method = Method.MANUAL if by_reviewer else Method.SPLINK
    link, _ = RecordLink.objects.get_or_create(
        record=record, defaults={"outcome": outcome, "method": method}
    )
    link.outcome = outcome
    link.method = method
    link.manual = by_reviewer
    link.score = proposal.new_score
    link.review_with = None
    link.model_version = model
    link.decided_by = actor.id
    link.version += 1
    link.save()
    LinkHistory.objects.create(
        record=record,
        action="relink",
        from_person_id=before,
        to_person_id=to_person,
        method=method,
        score=proposal.new_score,
        actor_id=actor.id,
        reason=reason,
        link_version=link_state_bump(),
    )
    ledger_record(
        actor=actor,
        action=action,
        object_type="source_record",
        object_id=record.pk,
        reason_code="relink_review" if by_reviewer else "relink_automatic",
        details={
            "person_id": str(to_person),
            "from_person_id": str(before),
            "proposal": str(proposal.pk),
            "model": model,
            "score": None if proposal.new_score is None else round(proposal.new_score, 6),
        },
    )
    proposal.to_person_id = to_person
    records_relinked.send(sender=SourceRecord, record_ids=[record.pk])


def _still_current(proposal: RelinkProposal) -> bool:
    record = SourceRecord.objects.get(pk=proposal.record_id)
    other = SourceRecord.objects.get(pk=proposal.other_id)
    proposal.record, proposal.other = record, other
    if record.person_id != proposal.from_person_id or other.person_id is None:
        return False
    if proposal.kind == ProposalKind.JOIN:
        return other.person_id != record.person_id
    return other.person_id == record.person_id


@linker_locked("relink")
def relink_run(
    *,
    run: RelinkRun,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
    stop_after: int | None = None,
) -> RelinkSummary:
    """Plan (if not planned yet) and work through a run; resumable at any point.

    ``stop_after`` stops the run after that many proposals, in the middle of a
    chunk's transaction, as a kill would (tests and ``linkage relink --stop-after``).
    """
    if not run.planned:
        _plan(run, progress)
    thresholds = _auto_thresholds()
    run.auto_above = min(thresholds.values()) if thresholds else None
    run.save(update_fields=["auto_above"])
    partnership_of = dict(
        SourceRecord.objects.filter(pk__in=run.proposal_set.values("record_id")).values_list(
            "pk", "agency__partnership_id"
        )
    )
    handled = 0
    moved = False
    total = run.proposal_set.filter(status=ProposalStatus.PLANNED).count()
    while True:
        chunk = list(run.proposal_set.filter(status=ProposalStatus.PLANNED).order_by("id")[:CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            for proposal in chunk:
                if stop_after is not None and handled >= stop_after:
                    raise RelinkStopped(f"stopped after {handled} proposals")
                if not _still_current(proposal):
                    proposal.status = ProposalStatus.STALE
                elif _confident(
                    proposal, thresholds.get(partnership_of.get(proposal.record_id) or 0)
                ):
                    _move(
                        proposal,
                        actor=actor,
                        by_reviewer=False,
                        reason=f"relink {run.from_model} -> {run.to_model}",
                        model=run.to_model,
                    )
                    proposal.status = ProposalStatus.APPLIED
                    proposal.decided_by = actor.id
                    proposal.decided_at = timezone.now()
                    moved = True
                else:
                    proposal.status = ProposalStatus.REVIEW
                proposal.save()
                handled += 1
        if progress is not None:
            progress(handled, total)
    with transaction.atomic():
        if moved:  # households follow the moved records, keeping their ids
            households_update()
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    return relink_summary(run=run)


def relink_summary(*, run: RelinkRun) -> RelinkSummary:
    statuses = dict(
        run.proposal_set.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return RelinkSummary(
        run_id=run.pk,
        records=run.records,
        confirmed=run.confirmed,
        proposals=run.proposals,
        in_review=statuses.get(ProposalStatus.REVIEW, 0),
        applied=statuses.get(ProposalStatus.APPLIED, 0),
        finished=run.finished_at is not None,
        model=run.to_model,
    )


# ------------------------------------------------------------------ decisions
def relink_auto_set(*, partnership_id: int, above: float | None, actor: Actor) -> None:
    """Opt in to moves applying themselves above ``above`` (or out, with None)."""
    if not may_review(roles=actor.roles):
        raise NotAllowed
    if above is not None and not 0.5 < above < 1:
        raise ValueError("the confidence must be above 0.5 and below 1")
    with transaction.atomic():
        if above is None:
            AutoRelink.objects.filter(partnership_id=partnership_id).delete()
        else:
            AutoRelink.objects.update_or_create(
                partnership_id=partnership_id, defaults={"above": above, "set_by": actor.id}
            )
        ledger_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="auto_relink",
            object_id=partnership_id,
            details={"above": above},
        )


def _claim(proposal_id: int, statuses: tuple[str, ...]) -> RelinkProposal:
    proposal = (
        RelinkProposal.objects.select_related("run", "record", "other")
        .filter(pk=proposal_id, status__in=statuses)
        .first()
    )
    if proposal is None:
        raise Conflict
    return proposal


@linker_locked("relink-decide")
def relink_decide(*, proposal_id: int, accept: bool, reason: str, actor: Actor) -> RelinkProposal:
    """A reviewer's decision on a proposed move: make it, or keep things as they are.

    Refusing a join records the two as not the same person; refusing a break marks
    the link as a reviewer's, so later runs do not propose either again.
    """
    if not may_review(roles=actor.roles):
        raise NotAllowed
    with transaction.atomic():
        proposal = _claim(proposal_id, (ProposalStatus.REVIEW,))
        if not _still_current(proposal):
            proposal.status = ProposalStatus.STALE
            proposal.save()
            raise Conflict
        if accept:
            _move(
                proposal, actor=actor, by_reviewer=True, reason=reason, model=proposal.run.to_model
            )
            proposal.status = ProposalStatus.ACCEPTED
            if proposal.kind == ProposalKind.BREAK:
                _not_same(proposal, actor=actor, reason=reason)
        else:
            proposal.status = ProposalStatus.REJECTED
            if proposal.kind == ProposalKind.JOIN:
                _not_same(proposal, actor=actor, reason=reason)
            else:
                RecordLink.objects.filter(record_id=proposal.record_id).update(
                    manual=True, decided_by=actor.id
                )
            ledger_record(
                actor=actor,
                action=Action.REVIEW,
                object_type="source_record",
                object_id=proposal.record_id,
                reason_code="relink_rejected",
                details={"proposal": str(proposal.pk), "kind": proposal.kind},
            )
        proposal.decided_by = actor.id
        proposal.decided_at = timezone.now()
        proposal.save()
        if accept:
            households_update(person_ids=_persons_of(proposal))
        return proposal


def _persons_of(proposal: RelinkProposal) -> list[int]:
    """The persons a proposal's move touched, before and after (their households change)."""
    people = {proposal.from_person_id, proposal.to_person_id}
    people |= set(
        SourceRecord.objects.filter(pk__in=[proposal.record_id, proposal.other_id]).values_list(
            "person_id", flat=True
        )
    )
    return sorted(p for p in people if p is not None)


def _not_same(proposal: RelinkProposal, *, actor: Actor, reason: str) -> None:
    a, b = sorted((proposal.record_id, proposal.other_id))
    NotSamePerson.objects.get_or_create(
        record_a_id=a, record_b_id=b, defaults={"decided_by": actor.id, "reason": reason}
    )


@linker_locked("relink-undo")
def relink_undo(*, proposal_id: int, reason: str, actor: Actor) -> RelinkProposal:
    """Put back a move a run applied (or a reviewer accepted): the record returns."""
    if not may_review(roles=actor.roles):
        raise NotAllowed
    with transaction.atomic():
        proposal = _claim(proposal_id, (ProposalStatus.APPLIED, ProposalStatus.ACCEPTED))
        record = proposal.record
        record.refresh_from_db()
        if record.person_id != proposal.to_person_id or proposal.from_person_id is None:
            raise Conflict
        if not Person.objects.filter(pk=proposal.from_person_id).exists():
            raise Conflict
        _move(
            proposal,
            actor=actor,
            by_reviewer=True,
            reason=reason,
            model=proposal.run.from_model,
            back_to=proposal.from_person_id,
        )
        if proposal.kind == ProposalKind.JOIN:
            _not_same(proposal, actor=actor, reason=reason)
        proposal.status = ProposalStatus.UNDONE
        proposal.decided_by = actor.id
        proposal.decided_at = timezone.now()
        proposal.save()
        households_update(person_ids=_persons_of(proposal))
        return proposal
