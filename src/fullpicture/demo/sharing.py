"""Sharetown's agreements, item protections, decisions and one information request.

Read from ``sharetown/agreements.json`` and written through the sharing services, as
the IG lead and the agencies' practitioners would, so the ledger holds agreement,
share, withhold, request and answer events like any other partnership's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

from fullpicture.audit.services import Actor
from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.people.models import SourceRecord
from fullpicture.sharing.models import AgreementStatus
from fullpicture.sharing.services import (
    AgreementTerms,
    PartyTerms,
    RequestAnswer,
    ShareReason,
    WithholdReasonGiven,
    agreement_accept,
    agreement_create,
    information_request_answer,
    information_request_create,
    item_ids_for_sources,
    item_protect,
    item_share,
    item_withhold,
)
from fullpicture.vocabulary.models import ConcernCategory

AGREEMENTS = Path(__file__).resolve().parent / "sharetown" / "agreements.json"


def _party(entry: str | dict[str, Any], agencies: dict[str, Agency]) -> PartyTerms:
    if isinstance(entry, str):
        return PartyTerms(agency_id=agencies[entry].pk)
    return PartyTerms(
        agency_id=agencies[entry["agency"]].pk,
        min_subject_age=entry.get("min_subject_age"),
        max_subject_age=entry.get("max_subject_age"),
        most_recent_limit=entry.get("most_recent_limit"),
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _why(entry: dict[str, Any]) -> ShareReason:
    return ShareReason(
        reason=entry["reason"],
        golden_rules=tuple(entry.get("golden_rules", ())),
        risk_of_sharing=entry.get("risk_of_sharing", ""),
        risk_of_not_sharing=entry.get("risk_of_not_sharing", ""),
        risk_judgement=entry.get("risk_judgement", ""),
        paragraph18_reason=entry.get("paragraph18_reason", ""),
    )


def sharetown_sharing_load(
    *, actor: Actor, say: Callable[[str], None] = lambda _m: None, path: Path = AGREEMENTS
) -> None:
    """Load the agreements and the demo's decisions (in the caller's transaction)."""
    if not path.exists():
        return
    spec: dict[str, Any] = json.loads(path.read_text("utf-8"))
    agencies = {a.code: a for a in Agency.objects.all()}
    users = {u.username: u for u in Practitioner.objects.select_related("agency")}
    categories = {c.slug: c.pk for c in ConcernCategory.objects.all()}
    lead, deputy, northvale = users["ig.lead"], users["ig.deputy"], users["nv.ig.lead"]
    for a in spec.get("agreements", []):
        # drafted by the IG lead; in force once the deputy (and, for an agreement naming
        # Northvale's agencies, Northvale's IG lead) accepts it: four eyes
        agreement = agreement_create(
            user=lead,
            terms=AgreementTerms(
                reference=a["reference"],
                title=a["title"],
                purposes=tuple(a["purposes"]),
                parties=tuple(_party(p, agencies) for p in a["parties"]),
                category_ids=tuple(categories[c] for c in a.get("categories", [])),
                article6=a["article6"],
                article9=a.get("article9", ""),
                schedule1=a.get("schedule1", ""),
                rests_on_consent=a.get("rests_on_consent", False),
                starts_on=dt.date.fromisoformat(a["starts_on"]),
                ends_on=_date(a.get("ends_on")),
                review_on=_date(a.get("review_on")),
                status=a["status"],
                notes=a.get("notes", ""),
            ),
        )
        if agreement.status == AgreementStatus.IN_FORCE:
            partnerships = set(
                agreement.party_rows.values_list("agency__partnership_id", flat=True)
            )
            for acceptor in (deputy, northvale):
                if acceptor.partnership_id in partnerships:
                    agreement_accept(
                        user=acceptor, agreement_id=agreement.pk, version=agreement.version
                    )
    for p in spec.get("protections", []):
        (item_id,) = item_ids_for_sources(agency=agencies[p["agency"]], source_ids=[p["item"]])
        item_protect(
            user=users[p["by"]],
            item_id=item_id,
            protect_source=p["protect_source"],
            source_description=p.get("source_description", ""),
            paragraph18_reason=p.get("paragraph18_reason", ""),
        )
    shared = withheld = 0
    for d in spec.get("decisions", []):
        item_ids = item_ids_for_sources(agency=agencies[d["agency"]], source_ids=d["items"])
        to = [agencies[c].pk for c in d["to"]]
        if d["outcome"] == "share":
            shared += len(
                item_share(
                    user=users[d["by"]],
                    item_ids=item_ids,
                    to_agency_ids=to,
                    purpose=d["purpose"],
                    why=_why(d),
                ).decisions
            )
        else:
            withheld += len(
                item_withhold(
                    user=users[d["by"]],
                    item_ids=item_ids,
                    to_agency_ids=to,
                    purpose=d["purpose"],
                    why=WithholdReasonGiven(code=d["withhold_reason"], reason=d["reason"]),
                ).decisions
            )
    for r in spec.get("requests", []):
        record = SourceRecord.objects.get(
            agency=agencies[r["person"]["agency"]], source_id=r["person"]["source_id"]
        )
        request = information_request_create(
            user=users[r["by"]],
            person_id=record.person_id or 0,
            agency_ids=[agencies[c].pk for c in r["to"]],
            purpose=r["purpose"],
            due_at=timezone.now() + dt.timedelta(hours=r["due_in_hours"]),
            question=r.get("question", ""),
        )
        for answer in r.get("answers", []):
            user = users[answer["by"]]
            assert user.agency is not None  # noqa: S101  (demo accounts all have agencies)
            share_ids = item_ids_for_sources(agency=user.agency, source_ids=answer["share"])
            withhold_ids = item_ids_for_sources(
                agency=user.agency, source_ids=[i for i, _ in answer["withhold"]]
            )
            recipient = request.recipients.get(agency=user.agency)
            information_request_answer(
                user=user,
                request_id=request.pk,
                version=recipient.version,
                answer=RequestAnswer(
                    share_item_ids=tuple(share_ids),
                    withhold=tuple(
                        (pk, code)
                        for pk, (_, code) in zip(withhold_ids, answer["withhold"], strict=True)
                    ),
                    share_why=_why(answer),
                    withhold_reason=answer.get("withhold_reason", ""),
                ),
            )
    say(
        f"Sharing: {len(spec.get('agreements', []))} agreements, {shared} shares, "
        f"{withheld} withholds, {len(spec.get('requests', []))} information request(s)."
    )
