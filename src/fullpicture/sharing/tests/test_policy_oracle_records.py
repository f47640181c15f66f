"""The records oracle: in random worlds, ``record_filter_for`` (SQL) = ``decide_record_for``
= an independent reference model, for agencies' records of people (and so for their
involvements and "known to", which follow the records rule).

It extends the items oracle (test_policy_oracle.py) to the records rule of
docs/decisions/0072: the own agency's records; records of agencies joined by an agreement
in force for the purpose (when the viewer's roles allow the purpose), where an agreement
that rests on consent reaches a record only with consent given for it; every record of a
person under an active break-glass grant; every record of a review grant's persons.

The reference model reads only the plain spec, never the database or the policy module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fullpicture.partnerships.models import Agency, Practitioner, Role
from fullpicture.people.models import Person, SourceRecord
from fullpicture.sharing.contexts import (
    WorkContext,
    purpose_in,
    register_work_context,
    unregister_work_context,
)
from fullpicture.sharing.models import (
    Agreement,
    AgreementParty,
    BreakGlassGrant,
    RecordConsent,
    ReviewGrant,
)
from fullpicture.sharing.policy import (
    Purpose,
    decide_record_for,
    grant_context,
    policy_context,
    record_filter_for,
)

pytestmark = pytest.mark.django_db

# Every read here is in one work context that covers every person for every purpose, so
# this oracle judges consent on records alone; which persons a context covers, and who is
# part of it, is the items oracle's subject (test_policy_oracle.py).
ORACLE_CONTEXT = "oracle-all:1"


def _everyone(viewer, object_id, at):
    return WorkContext(
        "oracle-all",
        object_id,
        frozenset(Purpose.values),
        frozenset(Person.objects.values_list("pk", flat=True)),
    )


@pytest.fixture(autouse=True)
def _oracle_context():
    register_work_context("oracle-all", _everyone, default_purpose="safeguarding_enquiry")
    yield
    unregister_work_context("oracle-all")


NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)
PURPOSES = [
    "safeguarding_enquiry",
    "strategy_discussion",
    "direct_care",
    "early_help",
    "multi_agency_meeting",
    "learning_review",
    "subject_access",
    "audit",
]
ROLES = [
    "agency_practitioner",
    "mash_practitioner",
    "mash_manager",
    "unscheduled_care_clinician",
    "ig_lead",
    "board_scrutineer",
    "trainer",
    "administrator",
]
READING = {
    "agency_practitioner",
    "mash_practitioner",
    "mash_manager",
    "unscheduled_care_clinician",
    "ig_lead",
}
TABLE = {
    "safeguarding_enquiry": {"mash_practitioner", "mash_manager"},
    "strategy_discussion": {"mash_practitioner", "mash_manager"},
    "direct_care": {"unscheduled_care_clinician"},
    "early_help": {"mash_practitioner", "mash_manager", "agency_practitioner"},
    "multi_agency_meeting": {"mash_practitioner", "mash_manager", "agency_practitioner"},
    "learning_review": {"ig_lead"},
    "subject_access": {"ig_lead"},
    "audit": {"ig_lead"},
}
LIKELY_PURPOSES = st.sampled_from(
    [*["early_help"] * 4, *["safeguarding_enquiry"] * 2, "multi_agency_meeting", *PURPOSES]
)
LIKELY_ROLES = st.sampled_from(
    [*["agency_practitioner"] * 3, *["mash_manager"] * 2, "mash_practitioner", *ROLES]
)
AGENCY_TYPES = ["police", "gp", "school", "childrens_social_care", "acute_hospital", "housing"]
REVIEW_ACTOR = "system:learning-review"


@dataclass(frozen=True)
class AgreementSpec:
    parties: frozenset[int]
    purposes: frozenset[str]
    consent: bool
    status: str
    starts: int  # days from TODAY
    ends: int | None


@dataclass(frozen=True)
class RecordSpec:
    agency: int
    person: int | None
    consent: str | None  # None: no consent row


@dataclass(frozen=True)
class GrantSpec:
    viewer: int
    person: int
    purpose: str
    starts: int  # hours from NOW
    expires: int
    ended: bool


@dataclass(frozen=True)
class World:
    agency_types: list[str]
    viewers: list[tuple[int, frozenset[str]]]
    agreements: list[AgreementSpec]
    records: list[RecordSpec]
    grants: list[GrantSpec]
    purposes: list[str]
    review_persons: frozenset[int] | None = None  # an active review grant's persons


def reference(world: World, viewer: int, purpose: str, index: int) -> bool:
    agency, roles = world.viewers[viewer]
    record = world.records[index]
    if not roles & READING:
        return False
    if record.agency == agency:
        return True
    allowed = bool(roles & TABLE[purpose]) or (
        purpose == "direct_care"
        and "agency_practitioner" in roles
        and world.agency_types[agency] in {"gp", "acute_hospital", "health_visiting"}
    )
    # a purpose read in a work context reaches only the persons it covers (0056): every
    # person here, but never a record linked to nobody
    if purpose != "direct_care" and record.person is None:
        allowed = False
    if allowed and purpose != "direct_care":  # direct care: own records, no agreement's
        joining = [
            a
            for a in world.agreements
            if a.status == "in_force"
            and a.starts <= 0
            and (a.ends is None or a.ends >= 0)
            and purpose in a.purposes
            and agency in a.parties
            and record.agency in a.parties
        ]
        if any(not a.consent for a in joining):
            return True
        if joining and record.consent == "given":
            return True
    if roles & {"mash_manager", "unscheduled_care_clinician"} and record.person is not None:
        for g in world.grants:
            if (
                g.viewer == viewer
                and g.purpose == purpose
                and not g.ended
                and g.starts <= 0 < g.expires
                and g.person == record.person
            ):
                return True
    return False


@st.composite
def worlds(draw: st.DrawFn) -> World:
    n_agencies = draw(st.integers(2, 3))
    focus = draw(LIKELY_PURPOSES)
    agency_types = [draw(st.sampled_from(AGENCY_TYPES)) for _ in range(n_agencies)]
    viewers = [
        (
            draw(st.integers(0, n_agencies - 1)),
            frozenset(draw(st.sets(LIKELY_ROLES, min_size=1, max_size=2))),
        )
        for _ in range(draw(st.integers(1, 2)))
    ]
    agreements = []
    for _ in range(draw(st.integers(0, 3))):
        starts = draw(st.sampled_from([-30, -1, 0, 0, 1]))
        agreements.append(
            AgreementSpec(
                parties=frozenset(
                    set(range(n_agencies))
                    if draw(st.booleans())
                    else draw(st.sets(st.integers(0, n_agencies - 1), min_size=1))
                ),
                purposes=frozenset(draw(st.sets(LIKELY_PURPOSES, max_size=2)) | {focus}),
                consent=draw(st.booleans()),
                status=draw(st.sampled_from([*["in_force"] * 4, "draft", "suspended"])),
                starts=starts,
                ends=draw(st.sampled_from([None, None, starts, -1, 0, 30])),
            )
        )
    records = [
        RecordSpec(
            agency=draw(st.integers(0, n_agencies - 1)),
            person=draw(st.sampled_from([0, 0, 1, None])),
            consent=draw(st.sampled_from([None, "given", "given", "refused", "not_sought"])),
        )
        for _ in range(draw(st.integers(1, 6)))
    ]
    grants = [
        GrantSpec(
            viewer=draw(st.integers(0, len(viewers) - 1)),
            person=draw(st.integers(0, 1)),
            purpose=draw(st.sampled_from([focus, focus, *PURPOSES])),
            starts=draw(st.sampled_from([-1, 0, 1])),
            expires=draw(st.sampled_from([-5, 1, 24])),
            ended=draw(st.sampled_from([False, False, True])),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    # one open grant per viewer and person at most, as the database keeps it (0064)
    open_pairs: set[tuple[int, int]] = set()
    kept = []
    for g in grants:
        if not g.ended:
            if (g.viewer, g.person) in open_pairs:
                continue
            open_pairs.add((g.viewer, g.person))
        kept.append(g)
    grants = kept
    asked = sorted({focus} | draw(st.sets(st.sampled_from(PURPOSES), max_size=1)))
    review = draw(st.one_of(st.none(), st.frozensets(st.integers(0, 1), max_size=2)))
    return World(agency_types, viewers, agreements, records, grants, asked, review)


def materialise(world: World):
    agencies = [
        Agency.objects.create(code=f"R{n}", name=f"Records world agency {n}", type=t)
        for n, t in enumerate(world.agency_types)
    ]
    persons = [Person.objects.create() for _ in range(2)]
    roles = {r.code: r for r in Role.objects.all()}
    viewers = []
    for n, (agency, codes) in enumerate(world.viewers):
        viewer = Practitioner.objects.create(
            username=f"records-viewer-{n}", agency=agencies[agency]
        )
        viewer.roles.set([roles[c] for c in codes])
        viewers.append(viewer)
    for n, a in enumerate(world.agreements):
        agreement = Agreement.objects.create(
            reference=f"RW-{n}",
            title="Records world agreement",
            purposes=sorted(a.purposes),
            article6="6_1_a" if a.consent else "6_1_e",
            rests_on_consent=a.consent,
            status=a.status,
            starts_on=TODAY + dt.timedelta(days=a.starts),
            ends_on=None if a.ends is None else TODAY + dt.timedelta(days=a.ends),
            accepted_version=1,  # accepted by every party (four eyes: 0064)
        )
        for party in sorted(a.parties):
            AgreementParty.objects.create(agreement=agreement, agency=agencies[party])
    records = []
    for n, r in enumerate(world.records):
        record = SourceRecord.objects.create(
            agency=agencies[r.agency],
            source_id=f"RW-{n}",
            person=None if r.person is None else persons[r.person],
        )
        if r.consent is not None:
            RecordConsent.objects.create(record=record, state=r.consent, recorded_at=NOW)
        records.append(record)
    for g in world.grants:
        BreakGlassGrant.objects.create(
            practitioner=viewers[g.viewer],
            agency_id=viewers[g.viewer].agency_id,
            person=persons[g.person],
            purpose=g.purpose,
            reason="world",
            started_at=NOW + dt.timedelta(hours=g.starts),
            expires_at=NOW + dt.timedelta(hours=g.expires),
            ended_at=NOW if g.ended else None,
        )
    review = None
    if world.review_persons is not None:
        approver = Practitioner.objects.create(username="records-approver", agency=agencies[0])
        approver.roles.set([roles["ig_lead"]])
        review = ReviewGrant.objects.create(
            period_from=TODAY - dt.timedelta(days=60),
            period_to=TODAY,
            approved_by=approver,
            granted_to=REVIEW_ACTOR,
            review_ref="records-world",
            legal_basis="World review basis",
            created_at=NOW - dt.timedelta(hours=1),
            expires_at=NOW + dt.timedelta(hours=24),
        )
        review.persons.set([persons[p] for p in world.review_persons])
    return viewers, records, review


def _check(world: World) -> None:
    with transaction.atomic():
        viewers, records, review = materialise(world)
        for v, viewer in enumerate(viewers):
            for purpose in world.purposes:
                ctx = policy_context(
                    viewer=viewer, purpose=purpose_in(purpose, ORACLE_CONTEXT), at=NOW
                )
                sql = set(
                    SourceRecord.objects.filter(record_filter_for(ctx)).values_list("pk", flat=True)
                )
                for n, record in enumerate(records):
                    expected = reference(world, v, purpose, n)
                    decided = decide_record_for(ctx, record=record)
                    assert (record.pk in sql) == expected, (purpose, n, world)
                    assert decided.allowed == expected, (purpose, n, decided, world)
                    assert bool(decided.basis) == expected
        if review is not None and world.review_persons is not None:
            ctx = grant_context(grant=review, actor=REVIEW_ACTOR, at=NOW)
            sql = set(
                SourceRecord.objects.filter(record_filter_for(ctx)).values_list("pk", flat=True)
            )
            for n, record in enumerate(records):
                spec = world.records[n]
                expected = spec.person is not None and spec.person in world.review_persons
                assert (record.pk in sql) == expected, ("review", n, world)
                assert decide_record_for(ctx, record=record).allowed == expected
        transaction.set_rollback(True)


# A teacher under early help: social care's record with consent refused, not sought, none,
# and given; a second, public-task agreement for another purpose does not open them.
REFUSAL_STANDS = World(
    agency_types=["school", "childrens_social_care"],
    viewers=[(0, frozenset({"agency_practitioner"}))],
    agreements=[
        AgreementSpec(frozenset({0, 1}), frozenset({"early_help"}), True, "in_force", -30, None),
        AgreementSpec(
            frozenset({0, 1}), frozenset({"safeguarding_enquiry"}), False, "in_force", -30, None
        ),
    ],
    records=[
        RecordSpec(agency=1, person=0, consent="refused"),
        RecordSpec(agency=1, person=0, consent="not_sought"),
        RecordSpec(agency=1, person=0, consent=None),
        RecordSpec(agency=1, person=0, consent="given"),
        RecordSpec(agency=0, person=0, consent="refused"),
    ],
    grants=[],
    purposes=["early_help", "safeguarding_enquiry"],
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(world=REFUSAL_STANDS)
@given(world=worlds())
def test_record_filter_decide_and_reference_agree(world):
    _check(world)


def test_the_refusal_stands_example_says_what_it_means():
    """The fixed example, spelled out: only the own record and the consented one."""
    assert [reference(REFUSAL_STANDS, 0, "early_help", n) for n in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]
