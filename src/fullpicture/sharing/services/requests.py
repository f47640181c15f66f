"""Information requests: asked by the MASH, answered by agencies."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.models import Practitioner
from fullpicture.sharing.errors import SharingRefused

# The item feed lives in sharing.feeds; its names stay importable from here (__all__).
from fullpicture.sharing.models import (
    InformationRequest,
    RequestRecipient,
)
from fullpicture.sharing.services.common import StaleEdit, _notify, _require_role
from fullpicture.sharing.services.decisions import (
    ShareReason,
    WithholdReasonGiven,
    _targets,
    item_share,
    item_withhold,
)

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Information requests
# --------------------------------------------------------------------------------------


def information_request_create(
    *,
    user: Practitioner,
    person_id: int,
    agency_ids: Sequence[int],
    purpose: str,
    due_at: dt.datetime,
    question: str = "",
    include_household: bool = False,
) -> InformationRequest:
    """A MASH practitioner asks agencies what they hold on a person (or family)."""
    from fullpicture.partnerships.models import MASH_ROLES
    from fullpicture.sharing.policy import Purpose
    from fullpicture.sharing.selectors import persons_visible_to

    agency_id = _require_role(user, *MASH_ROLES, doing="send information requests")
    errors: list[str] = []
    if purpose not in Purpose.values:
        errors.append("Choose a purpose from the list.")
    if due_at <= timezone.now():
        errors.append("The due time must be in the future.")
    if errors:
        raise SharingRefused(*errors)
    agencies = _targets(user=user, to_agency_ids=agency_ids)
    person = persons_visible_to(viewer=user, purpose=purpose).filter(pk=person_id).first()
    if person is None:
        raise SharingRefused("That person was not found.")
    with transaction.atomic():
        request = InformationRequest.objects.create(
            person=person,
            include_household=include_household,
            purpose=str(purpose),  # the code; a work context it was read in is not stored
            question=question.strip(),
            requested_by=user,
            from_agency_id=agency_id,
            requested_at=timezone.now(),
            due_at=due_at,
        )
        RequestRecipient.objects.bulk_create(
            [RequestRecipient(request=request, agency=a) for a in agencies]
        )
        ledger_record(
            actor=user.actor,
            action=Action.REQUEST,
            object_type="information_request",
            object_id=request.pk,
            purpose=purpose,
            details={
                "person_id": str(person.pk),
                "agency_ids": [str(a.pk) for a in agencies],
                "include_household": include_household,
            },
        )
        recipients = Practitioner.objects.filter(agency__in=agencies, is_active=True).filter(
            roles__code__in=["agency_practitioner", "mash_practitioner", "mash_manager"]
        )
        _notify(
            recipients=recipients,
            kind="request_received",
            obj="information_request",
            oid=request.pk,
            msg=f"Information request {request.pk} from "
            f"{user.agency.name if user.agency else 'the MASH'}, due "
            f"{timezone.localtime(due_at):%d %b %Y %H:%M}.",
        )
    return request


@dataclass(frozen=True)
class RequestAnswer:
    """An agency's item-by-item answer: which items to share, which to withhold and why."""

    share_item_ids: tuple[int, ...] = ()
    withhold: tuple[tuple[int, str], ...] = ()  # (item id, withhold reason code)
    share_why: ShareReason | None = None
    withhold_reason: str = ""


def information_request_answer(
    *, user: Practitioner, request_id: int, version: int, answer: RequestAnswer
) -> RequestRecipient:
    """Answer for the user's agency, item by item; atomic; the requester is told."""
    from fullpicture.sharing.policy import READING_ROLES

    agency_id = _require_role(user, *READING_ROLES, doing="answer information requests")
    recipient = RequestRecipient.objects.filter(request_id=request_id, agency_id=agency_id).first()
    if recipient is None:
        raise SharingRefused("That request was not sent to your agency.")
    if not answer.share_item_ids and not answer.withhold:
        raise SharingRefused("Decide about at least one item: share it or withhold it.")
    request = recipient.request
    with transaction.atomic():
        updated = RequestRecipient.objects.filter(pk=recipient.pk, version=version).update(
            version=version + 1, answered_at=timezone.now(), answered_by=user
        )
        if not updated:
            raise StaleEdit(
                "Someone else in your agency answered this request while you were answering. "
                "Nothing was saved: look again at the answer."
            )
        if answer.share_item_ids:
            item_share(
                user=user,
                item_ids=answer.share_item_ids,
                to_agency_ids=[request.from_agency_id],
                purpose=request.purpose,
                why=answer.share_why or ShareReason(reason=""),
                request_id=request.pk,
            )
        by_code: dict[str, list[int]] = defaultdict(list)
        for item_id, code in answer.withhold:
            by_code[code].append(item_id)
        for code, ids in sorted(by_code.items()):
            item_withhold(
                user=user,
                item_ids=ids,
                to_agency_ids=[request.from_agency_id],
                purpose=request.purpose,
                why=WithholdReasonGiven(code=code, reason=answer.withhold_reason),
                request_id=request.pk,
            )
        recipient.refresh_from_db()
        ledger_record(
            actor=user.actor,
            action=Action.ANSWER,
            object_type="information_request",
            object_id=request.pk,
            purpose=request.purpose,
            details={
                "shared_item_ids": [str(i) for i in sorted(answer.share_item_ids)],
                "withheld_item_ids": [str(i) for i, _ in sorted(answer.withhold)],
                "withhold_reasons": sorted({c for _, c in answer.withhold}),
            },
        )
    return recipient
