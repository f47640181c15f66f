import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from fullpicture.partnerships.tests.factories import AgencyFactory, PractitionerFactory
from fullpicture.people.tests.factories import PersonFactory
from fullpicture.sharing.contexts import purpose_in
from fullpicture.sharing.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Article6,
    Article9,
    BreakGlassGrant,
    EarlyHelpEpisode,
    InformationItem,
    InformationRequest,
    ItemDecision,
    Outcome,
    Schedule1,
)
from fullpicture.vocabulary.models import ConcernCategory


class InformationItemFactory(DjangoModelFactory):
    class Meta:
        model = InformationItem
        skip_postgeneration_save = True

    source_agency = factory.SubFactory(AgencyFactory)
    category = factory.LazyFunction(lambda: ConcernCategory.objects.get(slug="neglect"))
    summary = factory.Sequence(lambda n: f"Concern number {n}")
    occurred_at = factory.LazyFunction(lambda: dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC))
    recorded_at = factory.LazyFunction(lambda: dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC))

    @factory.post_generation
    def persons(self, create, extracted, **kwargs):
        if create and extracted:
            self.persons.set(extracted)

    class Params:
        restricted = factory.Trait(sensitivity="restricted")
        special = factory.Trait(sensitivity="special")


class AgreementFactory(DjangoModelFactory):
    """An agreement in force since last year, public task with paragraph 18, accepted by
    its parties (acceptance itself is tested through ``agreement_accept``).

    ``parties=[agency, ...]`` (or ``{agency: {"min_subject_age": 18}}``),
    ``purposes=[...]`` and ``categories=[slug, ...]`` (empty: every category).
    """

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"ISA-{n:04d}")
    title = factory.Sequence(lambda n: f"Safeguarding agreement {n}")
    purposes = factory.LazyFunction(lambda: ["safeguarding_enquiry", "strategy_discussion"])
    article6 = Article6.PUBLIC_TASK
    article9 = Article9.SUBSTANTIAL_PUBLIC_INTEREST
    schedule1 = Schedule1.PARA_18
    status = AgreementStatus.IN_FORCE
    accepted_version = 1
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=180))

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        limits_by_agency = extracted if isinstance(extracted, dict) else dict.fromkeys(extracted)
        for agency, limits in limits_by_agency.items():
            AgreementParty.objects.create(agreement=self, agency=agency, **(limits or {}))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(ConcernCategory.objects.filter(slug__in=extracted))

    class Params:
        suspended = factory.Trait(status=AgreementStatus.SUSPENDED)
        draft = factory.Trait(status=AgreementStatus.DRAFT)
        early_help = factory.Trait(
            purposes=["early_help"],
            article6=Article6.CONSENT,
            article9=Article9.EXPLICIT_CONSENT,
            schedule1=Schedule1.NONE,
            rests_on_consent=True,
        )


class ItemDecisionFactory(DjangoModelFactory):
    class Meta:
        model = ItemDecision

    item = factory.SubFactory(InformationItemFactory)
    from_agency = factory.LazyAttribute(lambda o: o.item.source_agency)
    to_agency = factory.SubFactory(AgencyFactory)
    purpose = "safeguarding_enquiry"
    outcome = Outcome.SHARE
    reason = "Relevant to the enquiry"
    decided_by = factory.SubFactory(
        PractitionerFactory, agency=factory.SelfAttribute("..from_agency")
    )
    decided_at = factory.LazyFunction(timezone.now)


class BreakGlassGrantFactory(DjangoModelFactory):
    class Meta:
        model = BreakGlassGrant

    practitioner = factory.SubFactory(PractitionerFactory, roles=["mash_manager"])
    agency = factory.LazyAttribute(lambda o: o.practitioner.agency)
    person = factory.SubFactory(PersonFactory)
    purpose = "safeguarding_enquiry"
    reason = "Immediate risk"
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))


def work_context_for(*, viewer, person, purpose="safeguarding_enquiry", household=True) -> str:
    """``purpose`` read in a real work context the viewer's agency is part of: an
    information request it sent about the person (and, by default, their household), or
    for early help an episode it leads with consent on record (docs/decisions/0056)."""
    now = timezone.now()
    if purpose == "early_help":
        episode = EarlyHelpEpisode.objects.create(
            person=person,
            lead_agency=viewer.agency,
            consent_given=True,
            consent_recorded_at=now,
            started_on=timezone.localdate() - dt.timedelta(days=30),
        )
        return purpose_in(purpose, f"episode:{episode.pk}")
    request = InformationRequest.objects.create(
        person=person,
        include_household=household,
        purpose=purpose,
        question="",
        requested_by=viewer,
        from_agency=viewer.agency,
        requested_at=now,
        due_at=now + dt.timedelta(days=1),
    )
    return purpose_in(purpose, f"request:{request.pk}")
