"""Review grants: a learning review reads every item about its persons as a system actor."""

import datetime as dt

import pytest
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor
from fullpicture.partnerships.models import Role
from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.people.models import SourceRecord
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.models import ItemDecision, ReviewGrant
from fullpicture.sharing.policy import (
    REVIEW_GRANT_BASIS,
    SystemAccessRefused,
    decide_for,
    grant_context,
    policy_context,
    record_filter_for,
    system_access,
)
from fullpicture.sharing.selectors import review_grant_chronology
from fullpicture.sharing.services import (
    SharingRefused,
    review_grant_create,
    review_grant_end,
)
from fullpicture.sharing.tests.factories import InformationItemFactory

pytestmark = pytest.mark.django_db
REVIEW = Actor.system("learning-review")
PERIOD = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def family():
    police, school = AgencyFactory(code="GPOL"), AgencyFactory(code="GSCH")
    lead = PractitionerFactory(username="g.ig", agency=AgencyFactory(code="GLSCP"))
    lead.roles.set([Role.objects.get(code="ig_lead")])
    child, other = PersonFactory(), PersonFactory()
    records = [
        SourceRecordFactory(agency=police, person=child),
        SourceRecordFactory(agency=school, person=child),
        SourceRecordFactory(agency=police, person=other),
    ]
    secret = InformationItemFactory(source_agency=police, persons=[child], restricted=True)
    plain = InformationItemFactory(source_agency=school, persons=[child])
    withheld = InformationItemFactory(source_agency=police, persons=[child])
    ItemDecision.objects.create(
        item=withheld,
        from_agency=police,
        to_agency=lead.agency,
        purpose="learning_review",
        outcome="withhold",
        withhold_reason="prejudice_investigation",
        reason="Live investigation",
        decided_by=lead,
        decided_at=timezone.now(),
    )
    later = InformationItemFactory(
        source_agency=school,
        persons=[child],
        occurred_at=dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC),
        recorded_at=dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC),
    )
    elsewhere = InformationItemFactory(source_agency=police, persons=[other], restricted=True)
    return {
        "lead": lead,
        "child": child,
        "other": other,
        "records": records,
        "seen": [secret, plain, withheld],
        "unseen": [later, elsewhere],
    }


def _grant(f) -> ReviewGrant:
    return review_grant_create(
        actor=f["lead"].actor,
        approved_by=f["lead"],
        person_ids=[f["child"].pk],
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        review_ref="learning_review:1",
    )


def test_a_grant_sees_every_item_about_its_person_restricted_and_withheld_included(family):
    grant = _grant(family)
    ctx = grant_context(grant=grant, actor=REVIEW.id)
    for item in family["seen"]:
        decision = decide_for(ctx, item=item)
        assert decision.allowed, item
        assert decision.basis == REVIEW_GRANT_BASIS
        assert decision.reason == f"learning review grant {grant.pk}"
    reasons = {decide_for(ctx, item=i).reason for i in family["unseen"]}
    assert reasons == {
        "it happened and was recorded after the review's period",
        "not about a person the learning review covers",
    }
    records = set(SourceRecord.objects.filter(record_filter_for(ctx)))
    assert records == {r for r in family["records"] if r.person_id == family["child"].pk}
    # the IG lead's own context sees none of the other agencies' items: the grant is not theirs
    own = policy_context(viewer=family["lead"], purpose="learning_review")
    assert not any(decide_for(own, item=i).allowed for i in family["seen"])


def test_each_read_through_the_grant_is_in_the_ledger_with_ids_only(family):
    grant = _grant(family)
    created = LedgerEvent.objects.get(object_type="review_grant", action="create")
    assert created.details["person_ids"] == [str(family["child"].pk)]
    assert created.details["granted_to"] == "system:learning-review"
    items = review_grant_chronology(actor=REVIEW, grant_id=grant.pk, person_id=family["child"].pk)
    assert [i.pk for i in items] == sorted(i.pk for i in family["seen"])
    event = LedgerEvent.objects.get(object_type="person_chronology", actor_id=REVIEW.id)
    assert event.details == {
        "item_ids": [str(i.pk) for i in items],
        "review_grant": str(grant.pk),
    }
    assert event.legal_basis == REVIEW_GRANT_BASIS
    assert len(REVIEW_GRANT_BASIS) <= (LedgerEvent._meta.get_field("legal_basis").max_length or 0)
    assert "Concern" not in str(event.details)


def test_anyone_else_or_anyone_outside_the_scope_reads_nothing(family):
    grant = _grant(family)
    before = LedgerEvent.objects.count()
    with pytest.raises(SystemAccessRefused):
        review_grant_chronology(
            actor=Actor.system("alerts"), grant_id=grant.pk, person_id=family["child"].pk
        )
    with pytest.raises(SharingRefused, match="not in review grant"):
        review_grant_chronology(actor=REVIEW, grant_id=grant.pk, person_id=family["other"].pk)
    assert LedgerEvent.objects.count() == before
    assert grant_context(grant=grant, actor="system:alerts").review_grant is None


@pytest.mark.parametrize("how", ["ended", "expired", "approver_left", "approver_lost_role"])
def test_an_ended_expired_or_unapproved_grant_allows_nothing(family, how):
    grant = _grant(family)
    lead = family["lead"]
    if how == "ended":
        review_grant_end(actor=lead.actor, grant_id=grant.pk)
    elif how == "expired":
        ReviewGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    elif how == "approver_left":
        lead.is_active = False
        lead.save()
    else:
        lead.roles.set([Role.objects.get(code="mash_manager")])
    ctx = grant_context(grant=grant.pk, actor=REVIEW.id)
    assert ctx.review_grant is None
    assert not any(decide_for(ctx, item=i).allowed for i in family["seen"])
    assert not SourceRecord.objects.filter(record_filter_for(ctx)).exists()
    before = LedgerEvent.objects.count()
    with pytest.raises(SharingRefused, match="not active"):
        review_grant_chronology(actor=REVIEW, grant_id=grant.pk, person_id=family["child"].pk)
    assert LedgerEvent.objects.count() == before


def test_only_an_active_ig_lead_grants_and_only_to_a_listed_system_actor(family):
    practitioner = PractitionerFactory(agency=AgencyFactory(), roles=["mash_manager"])
    with pytest.raises(SharingRefused, match="information-governance lead"):
        review_grant_create(
            actor=practitioner.actor,
            approved_by=practitioner,
            person_ids=[family["child"].pk],
            period_from=PERIOD[0],
            period_to=PERIOD[1],
            review_ref="learning_review:1",
        )
    with pytest.raises(SharingRefused, match="system:alerts may not read"):
        review_grant_create(
            actor=family["lead"].actor,
            approved_by=family["lead"],
            person_ids=[family["child"].pk],
            period_from=PERIOD[0],
            period_to=PERIOD[1],
            review_ref="learning_review:1",
            granted_to="system:alerts",
        )
    with pytest.raises(SharingRefused, match="Name at least one person"):
        review_grant_create(
            actor=family["lead"].actor,
            approved_by=family["lead"],
            person_ids=[],
            period_from=PERIOD[0],
            period_to=PERIOD[1],
            review_ref="learning_review:1",
        )
    assert not ReviewGrant.objects.exists()
    assert system_access(
        actor="system:learning-review", purpose="learning_review", scope="review-grant"
    ).allowed
