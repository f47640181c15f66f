"""Reviewers' decisions through the services: review, undo, split, merge.

Each moves records between persons in one transaction, with link history, ledger
events (ids only), the records_relinked signal (items follow) and a bump of the
link-state counter; a stale decision is refused and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.audit.services import Actor
from fullpicture.linkage.models import LinkHistory, Method, NotSamePerson, Outcome, RecordLink
from fullpicture.linkage.selectors import (
    NotFound,
    access_person_records,
    access_review_case,
    link_state_version,
    review_queue,
)
from fullpicture.linkage.services import (
    Conflict,
    NotAllowed,
    link_pending,
    person_split,
    persons_merge,
    record_unlink,
    review_decide,
)
from fullpicture.linkage.tests.factories import RecordLinkFactory
from fullpicture.partnerships.tests.factories import AgencyFactory, PartnershipFactory
from fullpicture.people.models import SourceRecord
from fullpicture.people.signals import records_relinked
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db

REVIEWER = Actor(id="user:1", agency="GP", roles=frozenset({"mash_manager"}))
PRACTITIONER = Actor(id="user:2", agency="GP", roles=frozenset({"agency_practitioner"}))


@pytest.fixture
def relinked():
    seen: list[list[int]] = []

    def receiver(sender, record_ids, **kwargs):
        seen.append(sorted(record_ids))

    records_relinked.connect(receiver, weak=False)
    yield seen
    records_relinked.disconnect(receiver)


@pytest.fixture
def case():
    """Person X (GP and police records, linked) and a police record in review beside X."""
    partnership = PartnershipFactory()
    gp = AgencyFactory(code="GP", type="gp", partnership=partnership)
    police = AgencyFactory(code="POL", type="police", partnership=partnership)
    x = PersonFactory()
    born = dt.date(2016, 5, 9)
    a1 = SourceRecordFactory(
        agency=gp, person=x, given_name="Amelia", family_name="Brown", date_of_birth=born
    )
    b1 = SourceRecordFactory(
        agency=police, person=x, given_name="Amelia", family_name="Brown", date_of_birth=born
    )
    RecordLinkFactory(record=a1, by_nhs_number=True)
    RecordLinkFactory(record=b1)
    r = SourceRecordFactory(
        agency=police, given_name="Emilia", family_name="Brown", date_of_birth=born
    )
    RecordLinkFactory(record=r, review=True, review_with=a1)
    return {"partnership": partnership, "x": x, "a1": a1, "b1": b1, "r": r}


def _ledger(action: str) -> list[LedgerEvent]:
    return list(LedgerEvent.objects.filter(action=action).order_by("seq"))


def test_the_queue_shows_the_case_with_its_waterfall(case):
    queue = list(review_queue(partnership_id=case["partnership"].pk))
    assert [link.record_id for link in queue] == [case["r"].pk]
    found = access_review_case(partnership_id=case["partnership"].pk, record_id=case["r"].pk)
    assert found.candidate == case["a1"]
    comparisons = [step.comparison for step in found.waterfall]
    assert comparisons[0] == "prior"
    assert {"first_name", "surname", "dob"} <= set(comparisons)
    assert sum(step.weight for step in found.waterfall) == pytest.approx(found.match_weight)
    # another partnership's reviewer sees nothing of it
    other = PartnershipFactory()
    assert list(review_queue(partnership_id=other.pk)) == []


def test_same_person_joins_the_candidates_person(case, relinked):
    r, x = case["r"], case["x"]
    before = link_state_version()
    link = review_decide(
        record_id=r.pk, version=1, same_person=True, reason="same school", actor=REVIEWER
    )
    r.refresh_from_db()
    assert r.person_id == x.pk
    assert (link.outcome, link.method, link.manual) == (Outcome.LINKED, Method.MANUAL, True)
    assert link_state_version() > before
    assert relinked == [[r.pk]]
    history = LinkHistory.objects.get(record=r)
    assert (history.action, history.to_person_id, history.reason) == ("review", x.pk, "same school")
    review = _ledger("review")
    assert len(review) == 1
    assert review[0].reason_code == "same_person"
    assert review[0].details == {"with_record": str(case["a1"].pk), "person_id": str(x.pk)}
    assert [e.object_id for e in _ledger("link")] == [str(r.pk)]
    # ids only: no names in the ledger
    assert "Brown" not in str([e.details for e in LedgerEvent.objects.all()])
    assert ledger_verify().ok


def test_not_the_same_person_is_kept_apart_and_batch_never_overturns_it(case):
    r = case["r"]
    own = r.person_id
    review_decide(
        record_id=r.pk, version=1, same_person=False, reason="different mother", actor=REVIEWER
    )
    r.refresh_from_db()
    assert r.person_id == own
    link = RecordLink.objects.get(record=r)
    assert (link.outcome, link.method, link.manual) == (Outcome.NEW_PERSON, Method.MANUAL, True)
    assert NotSamePerson.objects.filter(
        record_a_id=min(r.pk, case["a1"].pk), record_b_id=max(r.pk, case["a1"].pk)
    ).exists()
    assert _ledger("review")[0].reason_code == "not_same_person"
    # a batch run afterwards links the new record and leaves the decision alone
    SourceRecordFactory(agency=case["a1"].agency, person=None, given_name="Zed")
    link_pending(actor=Actor.system("link"))
    assert RecordLink.objects.get(record=r).version == link.version
    r.refresh_from_db()
    assert r.person_id == own


def test_a_second_reviewer_deciding_the_same_case_is_refused(case):
    r = case["r"]
    review_decide(record_id=r.pk, version=1, same_person=True, reason="a", actor=REVIEWER)
    events = LedgerEvent.objects.count()
    with pytest.raises(Conflict):
        review_decide(record_id=r.pk, version=1, same_person=False, reason="b", actor=REVIEWER)
    assert LedgerEvent.objects.count() == events
    assert not NotSamePerson.objects.exists()


def test_only_reviewers_decide(case):
    with pytest.raises(NotAllowed):
        review_decide(
            record_id=case["r"].pk, version=1, same_person=True, reason="x", actor=PRACTITIONER
        )
    with pytest.raises(NotAllowed):
        record_unlink(record_id=case["b1"].pk, version=1, reason="x", actor=PRACTITIONER)


def test_undo_a_link_puts_the_record_on_its_own(case, relinked):
    b1, x = case["b1"], case["x"]
    new_person = record_unlink(record_id=b1.pk, version=1, reason="wrong man", actor=REVIEWER)
    b1.refresh_from_db()
    assert b1.person_id == new_person != x.pk
    assert list(SourceRecord.objects.filter(person=x)) == [case["a1"]]
    link = RecordLink.objects.get(record=b1)
    assert (link.outcome, link.manual) == (Outcome.NEW_PERSON, True)
    assert relinked == [[b1.pk]]
    unlink = _ledger("unlink")
    assert [e.object_id for e in unlink] == [str(b1.pk)]
    assert unlink[0].details == {"person_id": str(new_person), "from_person_id": str(x.pk)}
    assert LinkHistory.objects.get(record=b1).action == "unlink"
    with pytest.raises(Conflict):  # the version has moved on
        record_unlink(record_id=b1.pk, version=1, reason="again", actor=REVIEWER)


def test_split_and_merge_move_records_and_are_recorded(case, relinked):
    p = case["partnership"].pk
    x = case["x"]
    before = access_person_records(partnership_id=p, person_id=x.pk)
    new_person = person_split(
        person_id=x.pk,
        record_ids=[case["b1"].pk],
        token=before.token,
        reason="two people",
        actor=REVIEWER,
    )
    assert set(SourceRecord.objects.filter(person_id=new_person)) == {case["b1"]}
    assert relinked == [[case["b1"].pk]]
    split = _ledger("split")
    assert len(split) == 1
    assert split[0].object_id == str(x.pk)
    assert split[0].details["new_person_id"] == str(new_person)
    assert NotSamePerson.objects.count() == 1
    with pytest.raises(Conflict):  # the person changed since the page was drawn
        person_split(
            person_id=x.pk,
            record_ids=[case["a1"].pk],
            token=before.token,
            reason="",
            actor=REVIEWER,
        )

    keep = access_person_records(partnership_id=p, person_id=x.pk)
    with pytest.raises(NotFound):  # nothing about the new person waits for review
        access_person_records(partnership_id=p, person_id=new_person)
    r2 = SourceRecordFactory(agency=case["b1"].agency, given_name="Amelia", family_name="Browne")
    RecordLinkFactory(record=r2, review=True, review_with=case["b1"])
    other = access_person_records(partnership_id=p, person_id=new_person)
    persons_merge(
        keep_id=x.pk,
        other_id=new_person,
        keep_token=keep.token,
        other_token=other.token,
        reason="same after all",
        actor=REVIEWER,
    )
    assert set(SourceRecord.objects.filter(person=x)) == {case["a1"], case["b1"]}
    assert not NotSamePerson.objects.exists()
    merge = _ledger("merge")
    assert merge[0].details == {
        "from_person_id": str(new_person),
        "record_ids": [str(case["b1"].pk)],
    }
    assert [h.action for h in LinkHistory.objects.filter(record=case["b1"])] == ["split", "merge"]
    assert ledger_verify().ok
