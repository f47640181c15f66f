"""Challenges: any viewer may report an item or a record as wrong; the owning agency is
told (an in-app notice to its practitioners and an email) and must answer: corrected,
confirmed or removed. Raising and answering are ledger events (ids and codes only).
Removing takes two people of the owning agency and is refused under a legal hold; a
removed item leaves a tombstone (``ItemRemoval``), docs/decisions/0064-four-eyes.md.

The reporter must be able to see what they challenge, through the policy point; a
challenge about something they may not see is refused exactly as a missing one is.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.partnerships.four_eyes import refusal_record
from fullpicture.partnerships.models import Practitioner
from fullpicture.sharing.feeds import item_removal_facts, item_remove
from fullpicture.sharing.holds import item_removal_blocked
from fullpicture.sharing.models import Challenge, ChallengeAnswer, Notification
from fullpicture.sharing.policy import READING_ROLES
from fullpicture.sharing.selectors import NotFound, items_visible_to, records_visible_to


class ChallengeRefused(Exception):
    """A challenge or an answer that cannot be accepted, with a message fit to show."""


ANSWERS = (ChallengeAnswer.CORRECTED, ChallengeAnswer.CONFIRMED, ChallengeAnswer.REMOVED)


def _agency_readers(agency_id: int) -> list[Practitioner]:
    return list(
        Practitioner.objects.filter(
            agency_id=agency_id, is_active=True, roles__code__in=sorted(READING_ROLES)
        )
        .exclude(username__startswith="api.")
        .distinct()
        .order_by("pk")
    )


def _notify(recipients: list[Practitioner], *, challenge: Challenge, message: str) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=r,
            kind="challenge",
            object_type="challenge",
            object_id=str(challenge.pk),
            message=Notification.fit(message),
            created_at=now,
        )
        for r in recipients
    )


@transaction.atomic
def challenge_raise(
    *,
    viewer: Practitioner,
    person_id: int,
    purpose: str,
    reason: str,
    item_id: int | None = None,
    record_id: int | None = None,
) -> Challenge:
    """Report an item or a record (one of the two) about a person as wrong."""
    reason = reason.strip()
    if (item_id is None) == (record_id is None):
        raise ChallengeRefused("Say which item or record is wrong.")
    if not reason:
        raise ChallengeRefused("Say what is wrong with it.")
    if item_id is not None:
        item = (
            items_visible_to(viewer=viewer, purpose=purpose)
            .filter(pk=item_id, persons=person_id)
            .first()
        )
        if item is None:
            raise NotFound
        agency_id, about, object_id = item.source_agency_id, "item", item.pk
    else:
        record = (
            records_visible_to(viewer=viewer, purpose=purpose)
            .filter(pk=record_id or 0, person_id=person_id)
            .first()
        )
        if record is None:
            raise NotFound
        agency_id, about, object_id = record.agency_id, "record", record.pk
    challenge = Challenge.objects.create(
        agency_id=agency_id,
        about=about,
        object_id=object_id,
        item_id=object_id if about == "item" else None,
        record_id=object_id if about == "record" else None,
        person_id=person_id,
        purpose=purpose,
        reason=reason[:2000],
        raised_by=viewer,
        raised_at=timezone.now(),
    )
    ledger_record(
        actor=viewer.actor,
        action=Action.CREATE,
        object_type="challenge",
        object_id=challenge.pk,
        purpose=purpose,
        details={"about": about, "object_id": str(object_id), "agency_id": str(agency_id)},
    )
    readers = _agency_readers(agency_id)
    _notify(
        readers,
        challenge=challenge,
        message=f"One of your agency's {about}s was reported as wrong (challenge "
        f"{challenge.pk}). Answer it: corrected, confirmed or removed.",
    )
    emails = sorted({r.email for r in readers if r.email})
    if emails:
        # Ids only: the email says where to look, never what was reported.
        send_mail(
            subject=f"Full Picture: challenge {challenge.pk} needs your agency's answer",
            message=f"A practitioner reported one of your agency's {about}s as wrong "
            f"(challenge {challenge.pk}). Sign in to Full Picture and open Challenges to "
            "answer: corrected, confirmed or removed.",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=emails,
        )
    return challenge


def challenges_for_agency(*, viewer: Practitioner) -> QuerySet[Challenge]:
    """Challenges to the viewer's agency, unanswered first (its reading practitioners)."""
    if viewer.agency_id is None or not viewer.role_codes & READING_ROLES:
        return Challenge.objects.none()
    return (
        Challenge.objects.filter(agency_id=viewer.agency_id)
        .select_related("raised_by__agency", "answered_by", "item", "record", "removal_proposed_by")
        .order_by("answered_at", "-raised_at", "-id")
    )


def challenges_raised_about(*, viewer: Practitioner, person_id: int) -> list[Challenge]:
    """The viewer's own challenges about a person, with their answers."""
    return list(
        Challenge.objects.filter(raised_by=viewer, person_id=person_id).order_by("-raised_at")
    )


def challenge_answer(
    *, user: Practitioner, challenge_id: int, answer: str, note: str = ""
) -> Challenge:
    """The owning agency's answer. 'Removed' takes two people of the owning agency: the
    first answer proposes the removal, a second person (not the raiser, not the proposer)
    confirms it, and only then is an item removed, leaving a tombstone (who, why, when).
    Removal is refused while a legal hold covers the item, its persons or its records.
    A refusal names the rule, stores nothing and is a ``denied`` ledger event."""
    refusal: tuple[str, str] | None = None
    with transaction.atomic():
        challenge = (
            challenges_for_agency(viewer=user)
            .select_for_update(of=("self",))
            .filter(pk=challenge_id)
            .first()
        )
        if challenge is None:
            raise NotFound
        if challenge.answered_at is not None:
            raise ChallengeRefused("This challenge has already been answered.")
        if answer not in ANSWERS:
            raise ChallengeRefused("Answer corrected, confirmed or removed.")
        if answer == ChallengeAnswer.REMOVED:
            refusal, confirmed = _removal(challenge, user=user, note=note)
            if refusal is not None or not confirmed:
                pass  # refused (recorded below), or proposed: a second person confirms
            else:
                _answered(challenge, user=user, answer=answer, note=note)
        else:
            _answered(challenge, user=user, answer=answer, note=note)
    if refusal is not None:
        refusal_record(
            actor=user.actor, object_type="challenge", object_id=challenge_id, rule=refusal[0]
        )
        raise ChallengeRefused(refusal[1])
    return challenge


def _hold(challenge: Challenge) -> str:
    if challenge.about != "item":
        return ""
    facts = item_removal_facts(item_id=challenge.object_id, agency_id=challenge.agency_id)
    if facts is None:
        return ""
    return item_removal_blocked(
        item_id=facts.item_id, person_ids=facts.person_ids, record_ids=facts.record_ids
    )


def _removal(
    challenge: Challenge, *, user: Practitioner, note: str
) -> tuple[tuple[str, str] | None, bool]:
    """(refusal, confirmed): propose the removal, or confirm one a colleague proposed."""
    held = _hold(challenge)
    if held:
        return (
            (
                "legal_hold",
                f"This {challenge.about} is under a legal hold ({held}): nothing under a legal "
                "hold is removed. Answer corrected or confirmed instead.",
            ),
            False,
        )
    if challenge.removal_proposed_by_id is None:
        challenge.removal_proposed_by = user
        challenge.removal_proposed_at = timezone.now()
        challenge.removal_note = note.strip()[:2000]
        challenge.save(update_fields=["removal_proposed_by", "removal_proposed_at", "removal_note"])
        ledger_record(
            actor=user.actor,
            action=Action.UPDATE,
            object_type="challenge",
            object_id=challenge.pk,
            reason_code="removal_proposed",
            details={"about": challenge.about, "object_id": str(challenge.object_id)},
        )
        others = [
            r
            for r in _agency_readers(challenge.agency_id)
            if r.pk not in (user.pk, challenge.raised_by_id)
        ]
        _notify(
            others,
            challenge=challenge,
            message=f"Removal of your agency's {challenge.about} {challenge.object_id} was "
            f"proposed in answer to challenge {challenge.pk}: a second person must confirm it.",
        )
        return None, False
    if user.pk == challenge.removal_proposed_by_id:
        return (
            (
                "four_eyes",
                "You proposed this removal, so you cannot confirm it: a second person of your "
                "agency (not you, not the person who raised the challenge) must (four eyes).",
            ),
            False,
        )
    if user.pk == challenge.raised_by_id:
        return (
            (
                "four_eyes",
                "You raised this challenge, so you cannot confirm its removal: a second person "
                "of your agency (not you, not the proposer) must (four eyes).",
            ),
            False,
        )
    if challenge.about == "item":
        why = "; ".join(
            part
            for part in (
                f"Challenge {challenge.pk}: {challenge.reason}",
                challenge.removal_note,
                note.strip(),
            )
            if part
        )
        removed = item_remove(
            item_id=challenge.object_id,
            agency_id=challenge.agency_id,
            challenge_id=challenge.pk,
            proposed_by_id=challenge.removal_proposed_by_id,
            removed_by_id=user.pk,
            reason=why,
        )
        if not removed:
            return (
                (
                    "item_in_use",
                    "This item cannot be removed: a contact was made from it. "
                    "Correct it through your feed instead.",
                ),
                False,
            )
        challenge.item = None
    return None, True


def _answered(challenge: Challenge, *, user: Practitioner, answer: str, note: str) -> None:
    challenge.answer = answer
    challenge.answer_note = note.strip()[:2000]
    challenge.answered_by = user
    challenge.answered_at = timezone.now()
    challenge.save()
    details = {"about": challenge.about, "object_id": str(challenge.object_id)}
    if answer == ChallengeAnswer.REMOVED and challenge.removal_proposed_by_id:
        details["proposed_by"] = f"user:{challenge.removal_proposed_by_id}"
    ledger_record(
        actor=user.actor,
        action=Action.UPDATE,
        object_type="challenge",
        object_id=challenge.pk,
        reason_code=answer,
        details=details,
    )
    _notify(
        [challenge.raised_by],
        challenge=challenge,
        message=f"Your challenge {challenge.pk} was answered: "
        f"{ChallengeAnswer(answer).label.lower()}.",
    )
