"""Decisions to share and withhold, agreements, requests and break-glass, through the services:
refusals write nothing, optimistic locking, atomic state changes, both sides told, ledger."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.selectors import ledger_verify
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.people.tests.factories import PersonFactory, SourceRecordFactory
from fullpicture.sharing.models import (
    Agreement,
    AgreementStatus,
    ItemDecision,
    ItemDecisionChange,
    Notification,
    Outcome,
)
from fullpicture.sharing.policy import decide
from fullpicture.sharing.selectors import items_visible_to, person_withheld_summary
from fullpicture.sharing.services import (
    AgreementTerms,
    PartyTerms,
    RequestAnswer,
    ShareReason,
    SharingRefused,
    StaleEdit,
    WithholdReasonGiven,
    agreement_create,
    agreement_suspend,
    agreement_update,
    break_glass_review,
    break_glass_start,
    information_request_answer,
    information_request_create,
    item_decision_withdraw,
    item_protect,
    item_share,
    item_withhold,
    items_refresh_policy_facts,
)
from fullpicture.sharing.tests.factories import (
    AgreementFactory,
    InformationItemFactory,
    work_context_for,
)

pytestmark = pytest.mark.django_db
SE = "safeguarding_enquiry"
WHY = ShareReason(
    reason="Relevant to the enquiry",
    golden_rules=("protection", "relevant", "record"),
    risk_of_sharing="Low",
    risk_of_not_sharing="High",
    risk_judgement="not_sharing_greater",
)


@pytest.fixture
def town():
    partnership = PartnershipFactory(code="E06000321")
    police = AgencyFactory(code="POL", name="Testtown Police", partnership=partnership, police=True)
    csc = AgencyFactory(code="CSC", name="Testtown CSC", partnership=partnership, social_care=True)
    school = AgencyFactory(code="SCH", name="Testtown School", partnership=partnership)
    outsider = AgencyFactory(code="OUT", name="Faraway Council")
    agreement = AgreementFactory(parties=[police, csc, school], purposes=[SE])
    child = PersonFactory()
    SourceRecordFactory(agency=csc, person=child)
    SourceRecordFactory(agency=police, person=child)
    officer = PractitionerFactory(agency=police, roles=["agency_practitioner"])
    mash = PractitionerFactory(agency=csc, roles=["mash_practitioner"])
    manager = PractitionerFactory(agency=csc, roles=["mash_manager"])
    ig = PractitionerFactory(agency=csc, roles=["ig_lead"], email="ig@example.org")
    restricted = InformationItemFactory(source_agency=police, persons=[child], restricted=True)
    standard = InformationItemFactory(source_agency=police, persons=[child])
    return {
        "se": work_context_for(viewer=mash, person=child),
        "police": police,
        "csc": csc,
        "school": school,
        "outsider": outsider,
        "agreement": agreement,
        "child": child,
        "officer": officer,
        "mash": mash,
        "manager": manager,
        "ig": ig,
        "restricted": restricted,
        "standard": standard,
    }


def _visible(viewer, purpose=SE):
    """What the viewer sees; the MASH reads in the enquiry about the child (``town["se"]``)."""
    return set(items_visible_to(viewer=viewer, purpose=purpose).values_list("pk", flat=True))


def test_a_restricted_item_is_seen_only_once_shared_and_the_mash_is_told(town):
    assert town["restricted"].pk not in _visible(town["mash"], town["se"])
    outcome = item_share(
        user=town["officer"],
        item_ids=[town["restricted"].pk],
        to_agency_ids=[town["csc"].pk],
        purpose=SE,
        why=WHY,
    )
    assert outcome.created == 1
    assert town["restricted"].pk in _visible(town["mash"], town["se"])
    decision = decide(viewer=town["mash"], item=town["restricted"], purpose=town["se"])
    assert decision.allowed
    assert "Art 6(1)(e)" in decision.basis
    assert Notification.objects.filter(recipient=town["mash"], kind="item_shared").exists()
    event = LedgerEvent.objects.get(action="share")
    assert event.object_id == str(town["restricted"].pk)
    assert event.details["agreement_id"] == str(town["agreement"].pk)
    assert "Relevant" not in str(event.details)  # free text stays out of the ledger


@pytest.mark.parametrize(
    ("why", "to", "purpose", "message"),
    [
        (ShareReason(reason="  "), "csc", SE, "Give your reason for sharing."),
        (WHY, "outsider", SE, "not party to any information sharing agreement"),
        (WHY, "csc", "early_help", "No agreement in force covers sharing"),
        (
            ShareReason(reason="x", risk_judgement="sharing_greater"),
            "csc",
            SE,
            "withhold instead",
        ),
    ],
)
def test_bad_shares_are_refused_with_a_clear_message_and_nothing_written(
    town, why, to, purpose, message
):
    before = LedgerEvent.objects.count()
    with pytest.raises(SharingRefused) as refused:
        item_share(
            user=town["officer"],
            item_ids=[town["restricted"].pk],
            to_agency_ids=[town[to].pk],
            purpose=purpose,
            why=why,
        )
    assert message in str(refused.value)
    assert not ItemDecision.objects.exists()
    assert LedgerEvent.objects.count() == before


def test_a_one_off_share_needs_a_paragraph_18_reason(town):
    Agreement.objects.update(purposes=["strategy_discussion"])
    with pytest.raises(SharingRefused):
        item_share(
            user=town["officer"],
            item_ids=[town["standard"].pk],
            to_agency_ids=[town["csc"].pk],
            purpose=SE,
            why=WHY,
        )
    one_off = ShareReason(reason="Immediate concern", paragraph18_reason="would_prejudice")
    item_share(
        user=town["officer"],
        item_ids=[town["standard"].pk],
        to_agency_ids=[town["csc"].pk],
        purpose=SE,
        why=one_off,
    )
    decision = ItemDecision.objects.get()
    assert decision.agreement is None
    assert decision.paragraph18_reason == "would_prejudice"
    assert town["standard"].pk in _visible(town["mash"], town["se"])


def test_only_the_owning_agency_decides(town):
    with pytest.raises(SharingRefused, match="Only the agency that holds"):
        item_share(
            user=town["mash"],
            item_ids=[town["standard"].pk],
            to_agency_ids=[town["school"].pk],
            purpose=SE,
            why=WHY,
        )


def test_withholding_hides_the_item_but_the_mash_sees_the_count_and_reason(town):
    assert town["standard"].pk in _visible(town["mash"], town["se"])
    with pytest.raises(SharingRefused, match="Choose why"):
        item_withhold(
            user=town["officer"],
            item_ids=[town["standard"].pk],
            to_agency_ids=[town["csc"].pk],
            purpose=SE,
            why=WithholdReasonGiven(code="", reason="x"),
        )
    item_withhold(
        user=town["officer"],
        item_ids=[town["standard"].pk],
        to_agency_ids=[town["csc"].pk],
        purpose=SE,
        why=WithholdReasonGiven(code="prejudice_investigation", reason="Live investigation"),
    )
    assert town["standard"].pk not in _visible(town["mash"], town["se"])
    (summary,) = person_withheld_summary(viewer=town["mash"], person=town["child"], purpose=SE)
    assert summary.agency == town["police"]
    assert summary.count == 1
    assert summary.reasons == ["Would prejudice an investigation"]
    assert LedgerEvent.objects.get(action="withhold").reason_code == "prejudice_investigation"


def test_two_people_deciding_the_same_item_cannot_lose_each_others_change(town):
    key = (town["standard"].pk, town["csc"].pk)
    item_share(
        user=town["officer"],
        item_ids=[key[0]],
        to_agency_ids=[key[1]],
        purpose=SE,
        why=WHY,
        expected_versions={key: 0},
    )
    colleague = PractitionerFactory(agency=town["police"])
    # both opened the form at version 1; the colleague saves first
    item_withhold(
        user=colleague,
        item_ids=[key[0]],
        to_agency_ids=[key[1]],
        purpose=SE,
        why=WithholdReasonGiven(code="advice_sought", reason="Checking with the DI"),
        expected_versions={key: 1},
    )
    with pytest.raises(StaleEdit):
        item_share(
            user=town["officer"],
            item_ids=[key[0]],
            to_agency_ids=[key[1]],
            purpose=SE,
            why=WHY,
            expected_versions={key: 1},
        )
    decision = ItemDecision.objects.get()
    assert decision.outcome == Outcome.WITHHOLD
    assert decision.version == 2
    assert ItemDecisionChange.objects.get().outcome == Outcome.SHARE
    withdrawn = item_decision_withdraw(
        user=colleague, decision_id=decision.pk, version=2, reason="DI agreed to share"
    )
    assert withdrawn.outcome == Outcome.WITHDRAWN
    assert town["standard"].pk in _visible(town["mash"], town["se"])  # back to the agreement


def test_suspending_an_agreement_stops_sharing_at_once(town):
    assert town["standard"].pk in _visible(town["mash"], town["se"])
    with pytest.raises(SharingRefused, match="role does not allow"):
        agreement_suspend(user=town["mash"], agreement_id=town["agreement"].pk, version=1)
    agreement_suspend(user=town["ig"], agreement_id=town["agreement"].pk, version=1)
    assert town["standard"].pk not in _visible(town["mash"], town["se"])
    with pytest.raises(StaleEdit):
        agreement_suspend(user=town["ig"], agreement_id=town["agreement"].pk, version=1)
    assert LedgerEvent.objects.filter(action="update", object_type="agreement").count() == 1


def test_an_agreement_past_its_end_date_stops_sharing(town):
    Agreement.objects.update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert town["standard"].pk not in _visible(town["mash"], town["se"])


def _terms(town, **changes):
    values = {
        "reference": "ISA-T-9",
        "title": "Test agreement",
        "purposes": (SE,),
        "parties": (PartyTerms(agency_id=town["police"].pk), PartyTerms(agency_id=town["csc"].pk)),
        "article6": "6_1_e",
        "article9": "9_2_g",
        "schedule1": "para_18",
        "starts_on": dt.date(2026, 1, 1),
        "status": AgreementStatus.IN_FORCE,
    }
    values.update(changes)
    return AgreementTerms(**values)


def test_agreement_terms_are_checked(town):
    with pytest.raises(SharingRefused) as refused:
        agreement_create(
            user=town["ig"],
            terms=_terms(
                town,
                parties=(PartyTerms(agency_id=town["police"].pk),),
                schedule1="",
                ends_on=dt.date(2025, 1, 1),
            ),
        )
    assert refused.value.errors == [
        "Choose at least two agencies as parties.",
        "Article 9(2)(b), (g) and (h) need a DPA 2018 Schedule 1 condition "
        "(for safeguarding, paragraph 18).",
        "The end date must be on or after the start date.",
    ]


def test_two_ig_leads_editing_one_agreement(town):
    agreement = agreement_create(user=town["ig"], terms=_terms(town))
    other = PractitionerFactory(agency=town["csc"], roles=["ig_lead"])
    agreement_update(
        user=other, agreement_id=agreement.pk, version=1, terms=_terms(town, title="Theirs")
    )
    with pytest.raises(StaleEdit):
        agreement_update(
            user=town["ig"], agreement_id=agreement.pk, version=1, terms=_terms(town, title="Mine")
        )
    agreement.refresh_from_db()
    assert agreement.title == "Theirs"
    assert agreement.version == 2


def test_break_glass_is_time_limited_alerts_the_ig_lead_and_is_reviewed(town, settings):
    settings.FULLPICTURE_BREAK_GLASS_HOURS = 2
    Agreement.objects.update(status=AgreementStatus.SUSPENDED)
    assert town["standard"].pk not in _visible(town["manager"])
    with pytest.raises(SharingRefused, match="cannot use break-glass"):
        break_glass_start(
            user=town["mash"],
            person_id=town["child"].pk,
            purpose=SE,
            reason_code="immediate_risk",
            reason="Child at risk now",
        )
    with pytest.raises(SharingRefused, match="not found"):
        break_glass_start(
            user=town["manager"],
            person_id=987654,
            purpose=SE,
            reason_code="immediate_risk",
            reason="Child at risk now",
        )
    grant = break_glass_start(
        user=town["manager"],
        person_id=town["child"].pk,
        purpose=SE,
        reason_code="immediate_risk",
        reason="Child at risk now",
    )
    assert grant.expires_at - grant.started_at == dt.timedelta(hours=2)
    visible = _visible(town["manager"])
    assert town["standard"].pk in visible
    assert town["restricted"].pk not in visible  # break-glass never opens restricted items
    assert Notification.objects.filter(recipient=town["ig"], kind="break_glass").exists()
    assert mail.outbox[0].to == ["ig@example.org"]
    assert "Child at risk" not in mail.outbox[0].body
    with pytest.raises(SharingRefused, match="why the use was not appropriate"):
        break_glass_review(
            user=town["ig"], grant_id=grant.pk, version=1, appropriate=False, note=""
        )
    break_glass_review(user=town["ig"], grant_id=grant.pk, version=1, appropriate=True, note="")
    assert set(
        LedgerEvent.objects.filter(action="break_glass").values_list("reason_code", flat=True)
    ) == {"start", "appropriate"}
    # after expiry the access ends
    later = timezone.now() + dt.timedelta(hours=3)
    assert not decide(viewer=town["manager"], item=town["standard"], purpose=SE, at=later).allowed


def test_an_information_request_is_answered_item_by_item(town):
    request = information_request_create(
        user=town["mash"],
        person_id=town["child"].pk,
        agency_ids=[town["police"].pk],
        purpose=SE,
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    assert Notification.objects.filter(recipient=town["officer"], kind="request_received")
    information_request_answer(
        user=town["officer"],
        request_id=request.pk,
        version=1,
        answer=RequestAnswer(
            share_item_ids=(town["restricted"].pk,),
            withhold=((town["standard"].pk, "third_party"),),
            share_why=WHY,
            withhold_reason="About a neighbour",
        ),
    )
    assert {d.outcome for d in request.decisions.all()} == {"share", "withhold"}
    assert Notification.objects.filter(recipient=town["mash"], kind="request_shared").exists()
    with pytest.raises(StaleEdit):
        information_request_answer(
            user=town["officer"],
            request_id=request.pk,
            version=1,
            answer=RequestAnswer(withhold=((town["standard"].pk, "third_party"),)),
        )
    actions = list(LedgerEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == ["request", "share", "withhold", "answer"]
    assert LedgerEvent.objects.filter(action="answer").count() == 1
    assert ledger_verify().ok


def test_a_failed_answer_leaves_no_trace(town):
    request = information_request_create(
        user=town["mash"],
        person_id=town["child"].pk,
        agency_ids=[town["police"].pk],
        purpose=SE,
        due_at=timezone.now() + dt.timedelta(hours=4),
    )
    with pytest.raises(SharingRefused):
        information_request_answer(
            user=town["officer"],
            request_id=request.pk,
            version=1,
            answer=RequestAnswer(
                share_item_ids=(town["restricted"].pk,), share_why=ShareReason(reason="")
            ),
        )
    recipient = request.recipients.get()
    assert recipient.answered_at is None
    assert recipient.version == 1
    assert not ItemDecision.objects.exists()


def test_policy_facts_follow_subject_ages_and_recency(town):
    police = town["police"]
    child = town["child"]
    record = SourceRecordFactory(agency=police, person=child, date_of_birth=dt.date(2000, 6, 1))
    items = [
        InformationItemFactory(
            source_agency=police,
            persons=[child],
            occurred_at=dt.datetime(2020 + n, 7, 1, tzinfo=dt.UTC),
        )
        for n in range(3)
    ]
    for item in items:
        item.subject_records.set([record])
    items_refresh_policy_facts(item_ids=[i.pk for i in items])
    for item in items:
        item.refresh_from_db()
    assert [i.subject_min_age for i in items] == [20, 21, 22]
    # the fixture's two police items about the child (May 2025, same category) are newer
    assert [i.recency_rank for i in items] == [5, 4, 3]


def test_protect_the_source_is_set_by_the_owning_agency_only(town):
    with pytest.raises(SharingRefused):
        item_protect(user=town["mash"], item_id=town["standard"].pk, protect_source=True)
    item = item_protect(
        user=town["officer"],
        item_id=town["standard"].pk,
        protect_source=True,
        source_description="Anonymous caller",
        paragraph18_reason="would_prejudice",
    )
    assert item.protect_source


def test_break_glass_does_not_open_what_the_owner_withheld(town):
    Agreement.objects.update(status=AgreementStatus.SUSPENDED)
    item_withhold(
        user=town["officer"],
        item_ids=[town["standard"].pk],
        to_agency_ids=[town["csc"].pk],
        purpose=SE,
        why=WithholdReasonGiven(code="prejudice_investigation", reason="Live investigation"),
    )
    break_glass_start(
        user=town["manager"],
        person_id=town["child"].pk,
        purpose=SE,
        reason_code="immediate_risk",
        reason="Child at risk now",
    )
    assert town["standard"].pk not in _visible(town["manager"])
    assert not decide(viewer=town["manager"], item=town["standard"], purpose=SE).allowed


def test_early_help_reads_only_in_an_episode_with_consent_on_record(town):
    """A teacher reads another agency's item for early help only in an episode their
    agency leads with the family's consent recorded (decision 0056)."""
    from fullpicture.sharing.contexts import purpose_in
    from fullpicture.sharing.services import early_help_episode_start

    AgreementFactory(parties=[town["police"], town["school"]], purposes=["early_help"])
    teacher = PractitionerFactory(agency=town["school"], roles=["agency_practitioner"])
    with pytest.raises(SharingRefused, match="not found in your agency's records"):
        early_help_episode_start(user=teacher, person_id=town["child"].pk, consent_given=True)
    SourceRecordFactory(agency=town["school"], person=town["child"])
    refused = early_help_episode_start(
        user=teacher, person_id=town["child"].pk, consent_given=False
    )
    consented = early_help_episode_start(
        user=teacher, person_id=town["child"].pk, consent_given=True
    )
    assert LedgerEvent.objects.filter(object_type="early_help_episode").count() == 2
    assert town["standard"].pk not in _visible(teacher, "early_help")
    assert town["standard"].pk not in _visible(
        teacher, purpose_in("early_help", f"episode:{refused.pk}")
    )
    assert town["standard"].pk in _visible(
        teacher, purpose_in("early_help", f"episode:{consented.pk}")
    )
