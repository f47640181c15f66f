"""THE policy decision point: who may see which information item, for what purpose.

One module turns (viewer, purpose) into a SQL filter over InformationItem, and
``decide`` answers the same question for one item with a reason. They must
always agree; the tests check that they do.

Foundation rule (replaced by agreements, consent and purposes in the sharing
issue): a practitioner sees their own agency's items; MASH practitioners and
managers see every item of their partnership's agencies for a safeguarding
enquiry; everything else is denied.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from fullpicture.partnerships.models import MASH_ROLES, Practitioner


class Purpose(models.TextChoices):
    SAFEGUARDING_ENQUIRY = "safeguarding_enquiry", "Safeguarding enquiry"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    DIRECT_CARE = "direct_care", "Direct care"
    EARLY_HELP = "early_help", "Early help"
    MULTI_AGENCY_MEETING = "multi_agency_meeting", "Multi-agency meeting"
    LEARNING_REVIEW = "learning_review", "Learning review"
    SUBJECT_ACCESS = "subject_access", "Subject access"
    AUDIT = "audit", "Audit"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str
    reason: str


OWN_AGENCY = "own agency's record"
MASH_PARTNERSHIP = "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 safeguarding"
DENIED = ""


def item_filter(*, viewer: Practitioner, purpose: str) -> Q:
    """The SQL filter: items this viewer may see for this purpose."""
    if not viewer.is_authenticated or not viewer.is_active or viewer.agency_id is None:
        return Q(pk__in=[])
    allowed = Q(source_agency_id=viewer.agency_id)
    if purpose == Purpose.SAFEGUARDING_ENQUIRY and viewer.role_codes & MASH_ROLES:
        partnership_id = viewer.agency.partnership_id if viewer.agency else None
        if partnership_id is not None:
            allowed |= Q(source_agency__partnership_id=partnership_id)
    return allowed


def decide(*, viewer: Practitioner, item: object, purpose: str) -> Decision:
    """Decide for one item, with the basis and reason; agrees with ``item_filter``."""
    agency_id = getattr(item, "source_agency_id", None)
    if not viewer.is_authenticated or not viewer.is_active or viewer.agency_id is None:
        return Decision(False, DENIED, "not signed in to an agency")
    if agency_id == viewer.agency_id:
        return Decision(True, OWN_AGENCY, "the viewer's own agency holds it")
    if purpose == Purpose.SAFEGUARDING_ENQUIRY and viewer.role_codes & MASH_ROLES:
        item_partnership = getattr(getattr(item, "source_agency", None), "partnership_id", None)
        viewer_partnership = viewer.agency.partnership_id if viewer.agency else None
        if item_partnership is not None and item_partnership == viewer_partnership:
            return Decision(True, MASH_PARTNERSHIP, "MASH safeguarding enquiry in the partnership")
    return Decision(False, DENIED, "no rule allows this viewer to see it for this purpose")


def agency_filter(*, viewer: Practitioner, purpose: str) -> Q:
    """Agencies whose records (of people) this viewer may see for this purpose."""
    if not viewer.is_authenticated or not viewer.is_active or viewer.agency_id is None:
        return Q(pk__in=[])
    allowed = Q(pk=viewer.agency_id)
    if purpose == Purpose.SAFEGUARDING_ENQUIRY and viewer.role_codes & MASH_ROLES:
        partnership_id = viewer.agency.partnership_id if viewer.agency else None
        if partnership_id is not None:
            allowed |= Q(partnership_id=partnership_id)
    return allowed
