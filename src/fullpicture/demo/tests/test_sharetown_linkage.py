"""The Sharetown demo's records, loaded and linked as `fullpicture demo` does on a fresh
data folder (the packaged default model), reproduce ground_truth.csv exactly: two
records are one person in the hub if and only if they are one person in the truth,
and no record is left awaiting review."""

import csv
import itertools
from collections import defaultdict

import pytest
from django.core.management import call_command

from fullpicture.audit.triggers import drop_ledger_triggers
from fullpicture.demo.services import SHARETOWN, sharetown_load
from fullpicture.linkage import selectors, services
from fullpicture.linkage.engine import LinkageModel
from fullpicture.linkage.models import Outcome, RecordLink
from fullpicture.people.models import SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def hub(django_db_setup, django_db_blocker):
    """(agency, source_id) -> person id, after loading Sharetown once with the packaged
    default model (as on a fresh data folder, whatever models other tests have saved)."""
    default = LinkageModel.load(selectors.DEFAULT_MODEL)
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(services, "model_current", lambda: default)
        mp.setattr(services, "model_current_path", lambda: selectors.DEFAULT_MODEL)
        sharetown_load()
        yield {
            (a, s): p
            for a, s, p in SourceRecord.objects.values_list(
                "agency__code", "source_id", "person_id"
            )
        }
        drop_ledger_triggers()
        call_command("flush", interactive=False, verbosity=0)  # post_migrate re-seeds


def _truth() -> dict[tuple[str, str], str]:
    with (SHARETOWN / "ground_truth.csv").open(encoding="utf-8", newline="") as fh:
        return {(r["agency"], r["source_id"]): r["person_key"] for r in csv.DictReader(fh)}


def test_every_record_is_loaded_and_linked(hub):
    truth = _truth()  # the demo adds front-door contacts of its own after linking
    assert set(truth) <= set(hub)
    assert all(hub[k] is not None for k in truth)


def test_no_record_is_left_in_review(hub):
    truth = _truth()
    waiting = RecordLink.objects.filter(outcome=Outcome.REVIEW).select_related("record__agency")
    assert [
        (w.record.agency.code, w.record.source_id)
        for w in waiting
        if (w.record.agency.code, w.record.source_id) in truth
    ] == []


def test_the_ground_truth_is_met_exactly(hub):
    truth = _truth()
    keys = sorted(truth)
    by_true: dict[str, list] = defaultdict(list)
    by_hub: dict[int, list] = defaultdict(list)
    for k in keys:
        by_true[truth[k]].append(k)
        by_hub[hub[k]].append(k)
    true_pairs = {frozenset(p) for g in by_true.values() for p in itertools.combinations(g, 2)}
    hub_pairs = {frozenset(p) for g in by_hub.values() for p in itertools.combinations(g, 2)}
    false_links = sorted(sorted(p) for p in hub_pairs - true_pairs)
    missed = sorted(sorted(p) for p in true_pairs - hub_pairs)
    assert false_links == []
    assert missed == []
    assert len(by_hub) == len(by_true)


def test_the_walsh_family_is_seven_people(hub):
    truth = _truth()
    walsh = {k: p for k, p in truth.items() if p.startswith("walsh-")}
    persons = {hub[k] for k in walsh}
    assert len(persons) == len(set(walsh.values())) == 7
