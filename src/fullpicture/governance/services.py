"""Subject access: everything held about a person, redacted, as JSON and PDF; in the ledger.

Everything is read through the sharing selectors (the policy point) with the
purpose ``subject_access``, as the IG lead answering the request: what the
export holds is exactly what the policy point lets that IG lead see. Third
parties' details and protected sources are redacted; the redaction log says
where and why, never what. The export is one ``export`` ledger event (ids and
counts only) in the same transaction as the reads: if the ledger write fails,
there is no export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.governance.pdf import render_subject_access_pdf
from fullpicture.governance.redaction import (
    MARKS,
    PROTECTED_SOURCE,
    LogEntry,
    PersonDetails,
    Redactor,
    log_entries,
)
from fullpicture.partnerships.models import Practitioner, RoleCode
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.policy import Purpose
from fullpicture.sharing.selectors import (
    NotFound,
    access_person_by_id,
    person_chronology,
    person_households,
    person_relationships,
)

logger = logging.getLogger(__name__)
PURPOSE = Purpose.SUBJECT_ACCESS.value

__all__ = ["NotFound", "SubjectAccessExport", "may_answer_subject_access", "subject_access_export"]


def may_answer_subject_access(*, viewer: Practitioner) -> bool:
    return viewer.is_active and viewer.has_role(RoleCode.IG_LEAD.value)


def _details(record: SourceRecord) -> PersonDetails:
    return PersonDetails(
        given_name=record.given_name,
        family_name=record.family_name,
        other_names=record.other_names,
        date_of_birth=record.date_of_birth,
        address=record.address,
        postcode=record.postcode,
    )


def _third_party_details(person_ids: set[int]) -> list[PersonDetails]:
    # Read only to know what to remove, never shown: every agency's records of the
    # third parties, so a name is removed even where the IG lead could not see it.
    records = SourceRecord.objects.filter(person_id__in=sorted(person_ids))
    return [_details(r) for r in records]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class SubjectAccessExport:
    person_id: int
    stem: str
    json_bytes: bytes
    pdf_bytes: bytes
    records: int
    items: int
    redactions: list[LogEntry]


def _report(*, viewer: Practitioner, person_id: int, actor: Actor) -> dict[str, Any]:
    summary = access_person_by_id(viewer=viewer, person_id=person_id, purpose=PURPOSE)
    person = summary.person
    chronology = person_chronology(viewer=viewer, person=person, purpose=PURPOSE)
    ties = person_relationships(viewer=viewer, person=person, purpose=PURPOSE)
    household = person_households(viewer=viewer, person=person, purpose=PURPOSE)

    third_party_ids = {t.other.person.pk for t in ties} | {s.person.pk for s in household}
    co_subjects: dict[int, list[int]] = {}
    for item in chronology.items:
        others = [p.pk for p in item.persons.all() if p.pk != person.pk]
        co_subjects[item.pk] = others
        third_party_ids.update(others)
    third_party_ids.discard(person.pk)

    subject_details = [_details(r) for r in summary.records]
    redactor = Redactor(
        subject=subject_details, third_parties=_third_party_details(third_party_ids)
    )
    log: list[LogEntry] = []

    records = [
        {
            "agency": r.agency.name,
            "agency_code": r.agency.code,
            "agency_reference": r.source_id,
            "given_name": r.given_name,
            "family_name": r.family_name,
            "other_names": r.other_names,
            "date_of_birth": _iso(r.date_of_birth),
            "address": r.address,
            "postcode": r.postcode,
            "nhs_number": r.nhs_number,
            "upn": r.upn,
            "pnc_id": r.pnc_id,
            "recorded_on": _iso(r.recorded_at),
        }
        for r in summary.records
    ]

    items = []
    for item in chronology.items:
        protected = bool(getattr(item, "protect_source", False))
        entry: dict[str, Any] = {
            "item_id": item.pk,
            "agency": item.source_agency.name,
            "category": item.category.name,
            "occurred_at": _iso(item.occurred_at),
            "recorded_at": _iso(item.recorded_at),
            "sensitivity": item.get_sensitivity_display(),
            "other_persons_mentioned": len(co_subjects.get(item.pk, [])),
        }
        source = str(getattr(item, "source_description", "") or "")
        fields = {
            "summary": item.summary,
            "detail": item.detail,
            "recorded_by": item.recorded_by_label,
            "source": source,
        }
        if protected:
            for name, value in fields.items():
                if value:
                    entry[name] = MARKS[PROTECTED_SOURCE]
                    log.append(LogEntry(item_id=item.pk, field=name, reason=PROTECTED_SOURCE))
                else:
                    entry[name] = ""
        else:
            for name, value in fields.items():
                text, counts = redactor.redact(value)
                entry[name] = text
                log.extend(log_entries(item.pk, name, counts))
        entry["redacted"] = any(e.item_id == item.pk for e in log)
        items.append(entry)

    return {
        "title": "Information Full Picture holds about you",
        "person_id": person.pk,
        "purpose": PURPOSE,
        "generated_at": timezone.now().isoformat(),
        "generated_by": actor.id,
        "records": records,
        "items": items,
        "redaction_log": [e.as_dict() for e in log],
        "notes": [
            "Other people's names, dates of birth and addresses have been removed.",
            "Where an agency undertook to protect the source of information, what could "
            "identify the source has been withheld.",
        ],
    }


def subject_access_export(*, viewer: Practitioner, person_id: int) -> SubjectAccessExport:
    """Build the export for the IG lead ``viewer``; raises NotFound for a missing or unseen person.

    Recorded in the ledger as one ``export`` event, in the same transaction as the reads.
    """
    actor = viewer.actor
    with transaction.atomic():
        report = _report(viewer=viewer, person_id=person_id, actor=actor)
        json_bytes = json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8")
        pdf_bytes = render_subject_access_pdf(report)
        log = [
            LogEntry(**{k: e[k] for k in ("item_id", "field", "reason", "count")})
            for e in report["redaction_log"]
        ]
        ledger_record(
            actor=actor,
            action=Action.EXPORT,
            object_type="person",
            object_id=person_id,
            purpose=PURPOSE,
            reason_code="subject_access_request",
            details={
                "item_ids": [str(i["item_id"]) for i in report["items"]],
                "records": len(report["records"]),
                "redactions": sum(e.count for e in log),
                "json_sha256": hashlib.sha256(json_bytes).hexdigest(),
                "pdf_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
            },
        )
    logger.info("subject access export for person %s by %s", person_id, actor.id)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return SubjectAccessExport(
        person_id=person_id,
        stem=f"subject-access-person-{person_id}-{stamp}",
        json_bytes=json_bytes,
        pdf_bytes=pdf_bytes,
        records=len(report["records"]),
        items=len(report["items"]),
        redactions=log,
    )
