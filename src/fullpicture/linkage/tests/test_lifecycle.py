"""The model's life: automatic first training, versions, rollback, and relinking with
nothing moved silently (real Splink, real database)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.services import Actor
from fullpicture.linkage import relink as relink_mod
from fullpicture.linkage import services
from fullpicture.linkage.models import (
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
from fullpicture.linkage.relink import (
    relink_auto_set,
    relink_decide,
    relink_run,
    relink_start,
    relink_undo,
)
from fullpicture.linkage.selectors import (
    DEFAULT_MODEL,
    model_current_path,
    model_in_use,
    model_training_due,
)
from fullpicture.linkage.tests.conftest import import_population
from fullpicture.people.models import Person, SourceRecord
from fullpicture.people.signals import records_relinked

pytestmark = pytest.mark.django_db

REVIEWER = Actor(id="user:1", roles=frozenset({"mash_manager"}))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_hub_trains_itself_once_enough_records_are_held(population, settings):
    import_population(population, agencies=("gp",))
    held = SourceRecord.objects.count()
    settings.FULLPICTURE_LINKAGE_TRAIN_MIN = 10
    assert model_training_due() is None  # one agency's file alone: nothing to learn from
    assert "once other agencies' records are held as well" in run("link")
    settings.FULLPICTURE_LINKAGE_TRAIN_MIN = held + 20
    out = run("link")
    assert "the packaged model trained on a synthetic population" in out
    assert f"once {held + 20:,} are held ({held:,} now)" in out
    assert model_current_path() == DEFAULT_MODEL
    import_population_more(population)
    assert model_training_due() is not None
    out = run("link")
    assert "Trained model-v1 on this partnership's" in out
    assert "Used model model-v1, trained on this partnership's own data" in out
    assert "Relinked" in out
    assert "Biggest changes in match weight" in out
    used = model_in_use()
    assert used.label == "model-v1"
    assert used.own_data
    assert used.training_records == SourceRecord.objects.count()
    # new links name the model that made them; the ledger names the new version
    assert set(
        RecordLink.objects.filter(record__agency__code="SCHOOL").values_list(
            "model_version", flat=True
        )
    ) == {"model-v1"}
    event = LedgerEvent.objects.get(object_type="linkage_model", action="create")
    assert event.object_id == "model-v1"
    assert event.details["previous"] == "default"
    # not grown or shifted since: no second training
    assert model_training_due() is None
    assert "Trained" not in run("link")


def import_population_more(population):
    from fullpicture.audit.services import Actor as A
    from fullpicture.linkage.services import records_import_file
    from fullpicture.partnerships.models import Agency
    from fullpicture.partnerships.tests.factories import AgencyFactory

    partnership = Agency.objects.get(code="GP").partnership
    for name, kind in (("school", "school"), ("hospital", "acute_hospital")):
        agency = AgencyFactory(code=name.upper(), name=name, type=kind, partnership=partnership)
        records_import_file(agency=agency, path=population / f"{name}.csv", actor=A.system("t"))


def test_models_lists_versions_and_use_rolls_back_or_refuses_with_the_reason(
    population, settings, tmp_path
):
    import_population(population)
    settings.FULLPICTURE_LINKAGE_TRAIN_MIN = 50
    run("linkage", "train", "--no-relink")
    out = run("linkage", "models")
    assert "default" in out
    assert "packaged (synthetic)" in out
    assert "* model-v1" in out
    assert "this partnership" in out
    out = run("linkage", "use", "default", "--no-relink")
    assert "Now using model default" in out
    assert model_current_path() == DEFAULT_MODEL
    assert model_training_due() is None  # a rollback is pinned
    assert "pinned" in run("linkage", "models")
    event = LedgerEvent.objects.filter(object_type="linkage_model", action="update").get()
    assert event.object_id == "default"
    assert event.details["previous"] == "model-v1"
    run("linkage", "use", "1", "--no-relink")
    assert model_current_path().name == "model-v1.json"

    with pytest.raises(CommandError, match="no model version or file '7'"):
        run("linkage", "use", "7")
    data = json.loads(model_current_path().read_text())
    wrong = dict(data, splink_settings={**data["splink_settings"], "comparisons": []})
    (tmp_path / "wrong.json").write_text(json.dumps(wrong))
    with pytest.raises(CommandError, match="does not match the model schema"):
        run("linkage", "use", str(tmp_path / "wrong.json"))
    small = dict(data, training_records=10)
    (tmp_path / "small.json").write_text(json.dumps(small))
    with pytest.raises(CommandError, match="trained on 10 records, fewer than the minimum of 50"):
        run("linkage", "use", str(tmp_path / "small.json"))
    (tmp_path / "junk.json").write_text("not json")
    with pytest.raises(CommandError, match="cannot be read as a model file"):
        run("linkage", "use", str(tmp_path / "junk.json"))
    assert model_current_path().name == "model-v1.json"  # nothing changed
    # a good file from elsewhere is kept here as the next version
    (tmp_path / "good.json").write_text(json.dumps(data))
    assert "imported" in run("linkage", "use", str(tmp_path / "good.json"), "--no-relink")
    assert model_current_path().name == "model-v2.json"


def _linked_world(population):
    """Link the population, then plant one wrong link (a break) and one missed link (a join)."""
    import_population(population)
    services.link_pending(actor=Actor.system("link"))
    by_nhs = [
        p
        for p in Person.objects.all()
        if SourceRecord.objects.filter(person=p, link__method=Method.NHS_NUMBER).count() >= 2
    ]
    # join: a record taken out of its person, as if an old model had missed it
    joined = by_nhs[0]
    x = (
        SourceRecord.objects.filter(person=joined, link__method=Method.NHS_NUMBER)
        .order_by("-id")
        .first()
    )
    assert x is not None
    lonely = Person.objects.create()
    SourceRecord.objects.filter(pk=x.pk).update(person=lonely)
    RecordLink.objects.filter(record=x).update(
        outcome=Outcome.NEW_PERSON, method=Method.NEW_PERSON, score=None
    )
    # break: a stranger's record put into another person with a model link
    target = by_nhs[1]
    anchor = SourceRecord.objects.filter(person=target).first()
    assert anchor is not None
    stranger = (
        SourceRecord.objects.exclude(family_name=anchor.family_name)
        .exclude(person__in=[joined, target, lonely])
        .filter(link__outcome=Outcome.NEW_PERSON, date_of_birth__isnull=False)
        .exclude(date_of_birth__year=anchor.date_of_birth.year if anchor.date_of_birth else 0)
        .first()
    )
    assert stranger is not None
    SourceRecord.objects.filter(pk=stranger.pk).update(person=target)
    RecordLink.objects.filter(record=stranger).update(
        outcome=Outcome.LINKED, method=Method.SPLINK, score=0.995
    )
    return x, joined, lonely, stranger, target


def test_relink_confirms_links_and_queues_joins_and_breaks_for_review(population, request):
    x, joined, lonely, stranger, target = _linked_world(population)
    moved: list[int] = []

    def note(**kw):
        moved.extend(kw["record_ids"])

    records_relinked.connect(note)
    request.addfinalizer(lambda: records_relinked.disconnect(note))
    history = LinkHistory.objects.count()
    out = run("linkage", "relink")
    assert "links confirmed" in out
    run_ = RelinkRun.objects.get()
    assert run_.confirmed > 10
    assert run_.finished_at is not None
    proposals = {p.record_id: p for p in RelinkProposal.objects.all()}
    assert set(proposals) == {x.pk, stranger.pk}
    join, brk = proposals[x.pk], proposals[stranger.pk]
    assert join.kind == ProposalKind.JOIN
    assert join.other.person_id == joined.pk
    assert brk.kind == ProposalKind.BREAK
    assert brk.other.person_id == target.pk
    assert brk.new_score is not None
    assert brk.new_score < 0.5
    assert join.new_score is not None
    # nothing moved on its own
    assert {join.status, brk.status} == {ProposalStatus.REVIEW}
    assert SourceRecord.objects.get(pk=x.pk).person_id == lonely.pk
    assert SourceRecord.objects.get(pk=stranger.pk).person_id == target.pk
    assert LinkHistory.objects.count() == history
    assert moved == []
    listing = run("linkage", "proposals")
    assert f"{join.pk:>6}  join" in listing
    assert f"{brk.pk:>6}  break" in listing

    # a second run before anyone decided proposes the waiting moves again from neither side
    run("linkage", "relink")
    assert RelinkProposal.objects.filter(run=RelinkRun.objects.last()).count() == 0

    # a reviewer accepts the join (the record moves; items follow) and refuses the break
    relink_decide(proposal_id=join.pk, accept=True, reason="same NHS number", actor=REVIEWER)
    assert SourceRecord.objects.get(pk=x.pk).person_id == joined.pk
    assert moved == [x.pk]
    assert LedgerEvent.objects.filter(reason_code="relink_review", object_id=str(x.pk)).exists()
    relink_decide(proposal_id=brk.pk, accept=False, reason="known to us", actor=REVIEWER)
    assert SourceRecord.objects.get(pk=stranger.pk).person_id == target.pk
    assert RecordLink.objects.get(record=stranger).manual
    with pytest.raises(relink_mod.Conflict):
        relink_decide(proposal_id=brk.pk, accept=True, reason="again", actor=REVIEWER)
    with pytest.raises(relink_mod.NotAllowed):
        relink_decide(proposal_id=join.pk, accept=True, reason="x", actor=Actor.system("x"))
    # the next run finds nothing more to propose
    run("linkage", "relink")
    assert RelinkProposal.objects.filter(run=RelinkRun.objects.last()).count() == 0
    assert ledger_verify().ok


def test_automatic_moves_above_the_stated_confidence_are_ledgered_and_undone(population):
    x, _joined, _lonely, stranger, target = _linked_world(population)
    partnership_id = x.agency.partnership_id
    relink_auto_set(partnership_id=partnership_id, above=0.51, actor=REVIEWER)
    run_ = relink_start(from_model="default")
    summary = relink_run(run=run_, actor=Actor.system("relink"))
    brk = RelinkProposal.objects.get(record=stranger)
    assert brk.status == ProposalStatus.APPLIED
    assert summary.applied >= 1
    fresh = SourceRecord.objects.get(pk=stranger.pk)
    assert fresh.person_id not in (target.pk, None)
    assert LedgerEvent.objects.filter(
        action="unlink", reason_code="relink_automatic", object_id=str(stranger.pk)
    ).exists()
    assert LinkHistory.objects.filter(record=stranger, action="relink").count() == 1
    # undone: back in the person it was taken from
    relink_undo(proposal_id=brk.pk, reason="wrong", actor=REVIEWER)
    assert SourceRecord.objects.get(pk=stranger.pk).person_id == target.pk
    assert RelinkProposal.objects.get(pk=brk.pk).status == ProposalStatus.UNDONE
    with pytest.raises(relink_mod.Conflict):
        relink_undo(proposal_id=brk.pk, reason="twice", actor=REVIEWER)
    with pytest.raises(CommandError, match=r"above 0\.5 and below 1"):
        run("linkage", "auto-apply", "--partnership", x.agency.partnership.name, "--above", "1")
    run("linkage", "auto-apply", "--partnership", x.agency.partnership.name, "--off")
    assert ledger_verify().ok


def test_a_relink_stopped_midway_finishes_with_nothing_applied_twice(population, monkeypatch):
    import_population(population)
    services.link_pending(actor=Actor.system("link"))
    # plant several missed links: records taken out of persons joined by NHS number
    taken = []
    for person in Person.objects.all():
        recs = list(SourceRecord.objects.filter(person=person, link__method=Method.NHS_NUMBER))
        if len(recs) >= 2:
            alone = Person.objects.create()
            SourceRecord.objects.filter(pk=recs[-1].pk).update(person=alone)
            RecordLink.objects.filter(record=recs[-1]).update(
                outcome=Outcome.NEW_PERSON, method=Method.NEW_PERSON
            )
            taken.append(recs[-1].pk)
        if len(taken) == 7:
            break
    relink_auto_set(
        partnership_id=SourceRecord.objects.values_list("agency__partnership_id", flat=True)[0],
        above=0.51,
        actor=REVIEWER,
    )
    monkeypatch.setattr(relink_mod, "CHUNK", 3)
    with pytest.raises(CommandError, match="stopped after 4 proposals; run it again"):
        run("linkage", "relink", "--stop-after", "4")
    run_ = RelinkRun.objects.get()
    assert run_.planned
    assert run_.finished_at is None
    done = RelinkProposal.objects.exclude(status=ProposalStatus.PLANNED).count()
    assert done == 3  # the first chunk committed; the second was cut off and rolled back
    out = run("linkage", "relink")  # resumes the same run
    assert RelinkRun.objects.count() == 1
    assert "Relinked" in out
    proposals = RelinkProposal.objects.filter(record_id__in=taken)
    assert proposals.count() == len(taken)
    applied = list(
        RelinkProposal.objects.filter(status=ProposalStatus.APPLIED).values_list(
            "record_id", flat=True
        )
    )
    for record_id in applied:
        assert LinkHistory.objects.filter(record_id=record_id, action="relink").count() == 1
        assert (
            LedgerEvent.objects.filter(
                reason_code="relink_automatic", object_id=str(record_id)
            ).count()
            == 1
        )
    assert not RelinkProposal.objects.filter(status=ProposalStatus.PLANNED).exists()
    assert not NotSamePerson.objects.exists()
    assert ledger_verify().ok


def test_relink_runs_in_the_task_worker(population):
    import_population(population, agencies=("gp", "hospital"))
    services.link_pending(actor=Actor.system("link"))
    out = run("linkage", "relink", "--background")
    assert "left to the task worker" in out
    run_ = RelinkRun.objects.get()  # the immediate backend in tests has run it
    assert run_.finished_at is not None
    assert run_.planned
