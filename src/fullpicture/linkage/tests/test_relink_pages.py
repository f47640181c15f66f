"""Proposed moves after a model change, on the review queue page: reviewers of the
partnership only, a reason required, nothing moved until decided."""

from __future__ import annotations

import pytest

from fullpicture.audit.models import LedgerEvent
from fullpicture.linkage.models import ProposalKind, ProposalStatus, RelinkProposal, RelinkRun
from fullpicture.linkage.tests.test_pages import world  # noqa: F401 (the fixture)
from fullpicture.people.models import Person, SourceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(world):  # noqa: F811
    r = world["r"]
    if r.person_id is None:
        r.person = Person.objects.create()
        r.save()
    run = RelinkRun.objects.create(from_model="default", to_model="model-v1", planned=True)
    return RelinkProposal.objects.create(
        run=run,
        kind=ProposalKind.JOIN,
        record=r,
        other=world["a1"],
        old_score=0.62,
        new_score=0.995,
        from_person_id=r.person_id,
        status=ProposalStatus.REVIEW,
    )


def test_a_reviewer_sees_the_proposed_move_and_makes_it(client, world, proposal):  # noqa: F811
    client.force_login(world["manager"])
    page = client.get("/linkage/review/").content.decode()
    assert 'id="relink-proposals"' in page
    assert "1 proposed move waiting" in page
    assert "0.620" in page
    assert "0.995" in page
    url = f"/linkage/review/proposals/{proposal.pk}/"
    missing = client.post(url, {"decision": "accept"}, follow=True).content.decode()
    assert "Enter the reason for your decision" in missing
    assert SourceRecord.objects.get(pk=world["r"].pk).person_id != world["x"].pk
    done = client.post(url, {"decision": "accept", "reason": "same child"}, follow=True)
    assert "the record has moved" in done.content.decode()
    assert SourceRecord.objects.get(pk=world["r"].pk).person_id == world["x"].pk
    assert RelinkProposal.objects.get().status == ProposalStatus.ACCEPTED
    assert LedgerEvent.objects.filter(reason_code="relink_review", action="link").count() == 1
    again = client.post(url, {"decision": "reject", "reason": "no"}, follow=True)
    assert "already been decided" in again.content.decode()


def test_others_cannot_decide(client, world, proposal):  # noqa: F811
    url = f"/linkage/review/proposals/{proposal.pk}/"
    client.force_login(world["teacher"])
    assert client.post(url, {"decision": "accept", "reason": "x"}).status_code == 404
    client.force_login(world["elsewhere"])
    assert "0 proposed moves waiting" in client.get("/linkage/review/").content.decode()
    client.post(url, {"decision": "accept", "reason": "x"})
    assert RelinkProposal.objects.get().status == ProposalStatus.REVIEW
    assert SourceRecord.objects.get(pk=world["r"].pk).person_id != world["x"].pk
