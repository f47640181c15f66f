"""Writes for alerts: flags, point-of-care checks, notices, rules, moves and transfers.

Everything runs in the caller's transaction with its ledger events (ids and
kinds, never NHS numbers or names). Emails leave only after commit and carry no
personal data: they say that something happened and where to sign in.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from fullpicture.alerts import selectors
from fullpicture.alerts.dfe import Return, cin_read, ssda903_read
from fullpicture.alerts.models import (
    HANDOVER_ITEMS,
    UNSCHEDULED_SETTINGS,
    Alert,
    AlertKind,
    AlertStatus,
    CareSetting,
    CaseTransfer,
    ConcernRule,
    FlagSource,
    FlagType,
    Notice,
    NoticeKind,
    OpenEnquiry,
    PersonArea,
    PointOfCareAccess,
    ProtectionFlag,
    TransferStatus,
)
from fullpicture.alerts.rules import (
    Finding,
    Item,
    RuleSpec,
    Window,
    explain,
    fingerprint,
    judge,
    outcome,
    relevant,
    spec_key,
)
from fullpicture.alerts.rules import finding as found
from fullpicture.alerts.selectors import PointOfCareAnswer
from fullpicture.audit.models import Action
from fullpicture.audit.services import Actor, EventSpec, ledger_record, ledger_record_many
from fullpicture.core.csvfile import (
    ImportRejected,
    RowError,
    csv_writer,
    file_after_audit,
    parse_date,
    read_rows,
)
from fullpicture.linkage.engine.identifiers import clean_nhs_number
from fullpicture.linkage.services import RECORD_COLUMNS, records_import, records_link
from fullpicture.partnerships.models import Agency, AgencyType, Partnership, Practitioner
from fullpicture.partnerships.services import partnership_default
from fullpicture.people.models import Household, SourceRecord
from fullpicture.sharing.policy import SystemPurpose, system_access_required
from fullpicture.vocabulary.models import ConcernCategory

log = logging.getLogger(__name__)
ACTOR = Actor.system("alerts")
MOVES_SCOPE = "record-postcodes"  # what moves_detect reads (the same decision record)
ALERT_SCOPE = "item-metadata"  # what the rules read: docs/decisions/0007-system-actors.md
REPEAT_WINDOW = dt.timedelta(days=90)
REPEAT_ATTENDANCES = 3


# ------------------------------------------------------------------------ notices


def _notify(
    recipients: Iterable[Practitioner],
    *,
    kind: str,
    message: str,
    subject: str,
    person_id: int | None = None,
    access: PointOfCareAccess | None = None,
    alert: Alert | None = None,
    transfer: CaseTransfer | None = None,
) -> int:
    """In-app notices now; one email each after commit (no personal data in email)."""
    now = timezone.now()
    people = list(recipients)
    Notice.objects.bulk_create(
        [
            Notice(
                recipient=r,
                kind=kind,
                message=message[:400],
                person_id=person_id,
                access=access,
                alert=alert,
                transfer=transfer,
                created_at=now,
            )
            for r in people
        ]
    )
    body = (
        f"{subject}.\n\nSign in to Full Picture and open Notifications to see who and where. "
        "This email carries no personal details on purpose."
    )
    mails = [
        (f"Full Picture: {subject}", body, settings.DEFAULT_FROM_EMAIL, [r.email])
        for r in people
        if r.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))
    return len(people)


def notices_mark_read(*, viewer: Practitioner, notice_ids: Sequence[int]) -> int:
    return Notice.objects.filter(
        recipient=viewer, pk__in=list(notice_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


# -------------------------------------------------------------------------- flags


@dataclass
class FlagImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records_created: int = 0
    warnings: list[RowError] = field(default_factory=list)


def _require_la(agency: Agency, file: str) -> Partnership:
    if agency.partnership is None:
        raise ImportRejected(
            [
                RowError(
                    file,
                    0,
                    "",
                    f"{agency.code} belongs to no partnership: put it in the local authority's "
                    "partnership first (agency create --partnership CODE)",
                )
            ]
        )
    if agency.type != AgencyType.CHILDRENS_SOCIAL_CARE:
        raise ImportRejected(
            [
                RowError(
                    file,
                    0,
                    "",
                    f"{agency.code} is not a local authority's children's social care agency",
                )
            ]
        )
    return agency.partnership


def _la_records(
    *, agency: Agency, ret: Return, file: str, actor: Actor, result: FlagImportResult
) -> dict[str, SourceRecord]:
    """The local authority's own record of each child: found by the return's child id, or
    created through linkage's record import (so linkage decides who is who)."""
    ids = sorted(ret.children)
    existing = {
        r.source_id: r for r in SourceRecord.objects.filter(agency=agency, source_id__in=ids)
    }
    rows: list[tuple[int, dict[str, str]]] = []
    for n, child_id in enumerate(ids, start=2):
        if child_id in existing:
            continue
        child = ret.children[child_id]
        row = dict.fromkeys(RECORD_COLUMNS, "")
        row.update(
            source_id=child_id,
            date_of_birth=child.date_of_birth.isoformat() if child.date_of_birth else "",
            sex=child.sex,
            upn=child.upn,
        )
        rows.append((n, row))
    if rows:
        imported = records_import(agency=agency, rows=rows, file=file, actor=actor)
        result.records_created = imported.created
        result.warnings.extend(imported.warnings)
        records_link(actor=actor)
        existing = {
            r.source_id: r for r in SourceRecord.objects.filter(agency=agency, source_id__in=ids)
        }
    return existing


def _flags_from_return(
    *, agency: Agency, ret: Return, source: str, file: str, actor: Actor
) -> FlagImportResult:
    partnership = _require_la(agency, file)
    result = FlagImportResult()
    with transaction.atomic():
        records = _la_records(agency=agency, ret=ret, file=file, actor=actor, result=result)
        touched: list[int] = []
        for plan in ret.plans:
            if source == FlagSource.SSDA903:
                flag_type = FlagType.LOOKED_AFTER
            elif plan.due_date is not None:
                flag_type = FlagType.UNBORN
            else:
                flag_type = FlagType.CHILD_PROTECTION_PLAN
            record = records[plan.child_id]
            values = {
                "flag_type": flag_type,
                "record": record,
                "start_date": plan.start,
                "end_date": plan.end,
                "due_date": plan.due_date,
            }
            key = f"{plan.child_id}:{plan.start.isoformat()}"
            flag, created = ProtectionFlag.objects.get_or_create(
                partnership=partnership, source=source, source_key=key, defaults=values
            )
            if created:
                result.created += 1
            elif any(getattr(flag, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(flag, k, v)
                flag.save()
                result.updated += 1
            else:
                result.unchanged += 1
            touched.append(flag.pk)
        flags_refresh_index(flag_ids=touched)
        ledger_record(
            actor=actor,
            action=Action.IMPORT,
            object_type="protection_flag_file",
            object_id=agency.code,
            details={
                "source": source,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "records_created": result.records_created,
            },
        )
    return result


def ssda903_import(*, agency: Agency, paths: Sequence[Path], actor: Actor) -> FlagImportResult:
    """Looked-after children from SSDA903 header and episodes files; all or nothing."""
    ret = ssda903_read(list(paths))
    return _flags_from_return(
        agency=agency,
        ret=ret,
        source=FlagSource.SSDA903,
        file=", ".join(p.name for p in paths),
        actor=actor,
    )


def cin_import(*, agency: Agency, path: Path, actor: Actor) -> FlagImportResult:
    """Child protection plans from a CIN census XML file; all or nothing."""
    ret = cin_read(path)
    return _flags_from_return(
        agency=agency, ret=ret, source=FlagSource.CIN, file=path.name, actor=actor
    )


FLAG_COLUMNS = ("agency", "source_id", "flag_type", "start_date", "end_date", "due_date")


def flags_import_file(*, path: Path, actor: Actor) -> FlagImportResult:
    """Flags kept on children's social care records: ``agency,source_id,flag_type,
    start_date,end_date,due_date`` (an unborn child's flag names the expected mother's
    record, with the due date). All or nothing; idempotent."""
    rows = read_rows(path, columns=FLAG_COLUMNS)
    name = path.name
    agencies = {a.code: a for a in Agency.objects.select_related("partnership")}
    errors: list[RowError] = []
    wanted: list[tuple[Agency, SourceRecord, dict[str, object]]] = []
    for number, row in rows:

        def err(column: str, message: str, n: int = number) -> None:
            errors.append(RowError(name, n, column, message))

        agency = agencies.get(row["agency"])
        if agency is None:
            err("agency", f"unknown agency '{row['agency']}'")
            continue
        if agency.type != AgencyType.CHILDRENS_SOCIAL_CARE or agency.partnership is None:
            err("agency", "is not a children's social care agency in a partnership")
            continue
        record = SourceRecord.objects.filter(agency=agency, source_id=row["source_id"]).first()
        if record is None:
            err("source_id", f"no record '{row['source_id']}' for {agency.code}")
        if row["flag_type"] not in FlagType.values:
            err("flag_type", "must be cpp, lac or unborn")
        dates: dict[str, dt.date | None] = {}
        for column in ("start_date", "end_date", "due_date"):
            try:
                dates[column] = parse_date(row[column]) if row[column] else None
            except ValueError:
                err(column, f"'{row[column]}' is not a date in the form YYYY-MM-DD")
        if "start_date" in dates and dates["start_date"] is None:
            err("start_date", "is required")
        if row["flag_type"] == FlagType.UNBORN and not row["due_date"]:
            err("due_date", "is required for an unborn child")
        if record is not None and not errors:
            wanted.append((agency, record, {"flag_type": row["flag_type"], **dates}))
    if errors:
        raise ImportRejected(errors)
    result = FlagImportResult()
    with transaction.atomic():
        touched = []
        for agency, record, v in wanted:
            assert agency.partnership is not None  # noqa: S101  (checked above)
            key = f"{record.source_id}:{v['flag_type']}:{v['start_date']}"
            values = {
                "flag_type": v["flag_type"],
                "record": record,
                "start_date": v["start_date"],
                "end_date": v["end_date"],
                "due_date": v["due_date"],
            }
            flag, created = ProtectionFlag.objects.get_or_create(
                partnership=agency.partnership,
                source=FlagSource.RECORD,
                source_key=key,
                defaults=values,
            )
            if created:
                result.created += 1
            elif any(getattr(flag, k) != val for k, val in values.items()):
                for k, val in values.items():
                    setattr(flag, k, val)
                flag.save()
                result.updated += 1
            else:
                result.unchanged += 1
            touched.append(flag.pk)
        flags_refresh_index(flag_ids=touched)
        ledger_record(
            actor=actor,
            action=Action.IMPORT,
            object_type="protection_flag_file",
            object_id="records",
            details={"created": result.created, "updated": result.updated},
        )
    return result


def flags_refresh_index(
    *, flag_ids: Sequence[int] | None = None, record_ids: Sequence[int] | None = None
) -> int:
    """Keep each flag's person and NHS number (the national index) in step with linkage:
    the local authority's record's own valid NHS number, else the most common valid NHS
    number among the records of the person linkage says the record belongs to."""
    flags = ProtectionFlag.objects.select_related("record")
    if flag_ids is not None:
        flags = flags.filter(pk__in=list(flag_ids))
    if record_ids is not None:
        persons = SourceRecord.objects.filter(pk__in=list(record_ids)).values("person_id")
        flags = flags.filter(Q(record_id__in=list(record_ids)) | Q(person_id__in=persons))
    changed = 0
    for flag in flags:
        person_id = flag.record.person_id if flag.record else None
        nhs = clean_nhs_number(flag.record.nhs_number) if flag.record else ""
        if not nhs and person_id is not None:
            numbers = Counter(
                n
                for n in (
                    clean_nhs_number(v)
                    for v in SourceRecord.objects.filter(person_id=person_id).values_list(
                        "nhs_number", flat=True
                    )
                )
                if n
            )
            if numbers:
                nhs = sorted(numbers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if flag.person_id != person_id or flag.nhs_number != nhs:
            flag.person_id = person_id
            flag.nhs_number = nhs
            flag.save(update_fields=["person", "nhs_number", "updated_at"])
            changed += 1
    return changed


# --------------------------------------------------------------- point of care


def site_label(agency: Agency | None, setting: str) -> str:
    """'Sharetown General Hospital A&E' from the agency's name and the setting."""
    name = (agency.name if agency else "Unknown site").split(" (")[0]
    return f"{name} {CareSetting(setting).label}"


def point_of_care_check(
    *,
    viewer: Practitioner,
    nhs_number: str,
    setting: str,
    channel: str,
    at: dt.datetime | None = None,
    record_attendance: bool = True,
) -> PointOfCareAnswer:
    """Check one NHS number at the point of care: read the flags (audited), record the
    access, tell the responsible local authority at once (unless it is scheduled care),
    and watch for repeat unscheduled attendances.

    ``record_attendance=False`` is the read-only check (a session-cookie GET, which a
    link from another site can carry): the flags are read and the read is in the ledger,
    but no attendance is recorded and nobody is notified. Only a POST from the page
    (CSRF-checked) or an agency system's bearer token records and notifies."""
    if setting not in CareSetting.values:
        setting = CareSetting.EMERGENCY
    if not selectors.may_check(viewer):
        with transaction.atomic():
            ledger_record(
                actor=viewer.actor,
                action=Action.DENIED,
                object_type="point_of_care_check",
                purpose="direct_care",
                details={"channel": channel, "reason": "no direct-care role"},
            )
        raise selectors.NotPermitted
    with transaction.atomic():
        answer = selectors.flags_for_point_of_care(
            viewer=viewer, nhs_number=nhs_number, channel=channel, setting=setting
        )
        if not record_attendance:
            return answer
        nhs = answer.nhs_number
        person_id = answer.person_id or (
            SourceRecord.objects.filter(nhs_number=nhs, person__isnull=False)
            .values_list("person_id", flat=True)
            .order_by("person_id")
            .first()
        )
        access = PointOfCareAccess.objects.create(
            nhs_number=nhs,
            person_id=person_id,
            at=at or timezone.now(),
            setting=setting,
            site=site_label(viewer.agency, setting),
            agency=viewer.agency,
            practitioner=viewer,
            channel=channel,
            flag_count=len(answer.flags),
        )
        if answer.flags:
            answer.accesses = selectors.accesses_for(nhs)
            if setting in UNSCHEDULED_SETTINGS:
                _notify_access(access=access, answer=answer)
        if setting in UNSCHEDULED_SETTINGS:
            _repeat_attendance(access=access, answer=answer)
    return answer


def _notify_access(*, access: PointOfCareAccess, answer: PointOfCareAnswer) -> None:
    local = timezone.localtime(access.at)
    flags = ProtectionFlag.objects.filter(pk__in=[f.flag_id for f in answer.flags]).select_related(
        "record", "partnership"
    )
    by_partnership: dict[int, list[ProtectionFlag]] = {}
    for flag in flags:
        by_partnership.setdefault(flag.partnership_id, []).append(flag)
    for partnership_id, its_flags in sorted(by_partnership.items()):
        flag = its_flags[0]
        who = flag.record.display_name if flag.record else "A child"
        message = (
            f"{who} ({flag.get_flag_type_display().lower()}) seen at {access.site}, "
            f"{local:%H:%M} on {local:%-d %B %Y}"
        )
        count = _notify(
            selectors.recipients_social_care(partnership_id),
            kind=NoticeKind.ACCESS,
            message=message,
            subject=f"a child on a plan was seen at {access.site}",
            person_id=flag.person_id,
            access=access,
        )
        answer.councils_told.append(flag.partnership.name)
        ledger_record(
            actor=ACTOR,
            action=Action.CREATE,
            object_type="point_of_care_notice",
            object_id=access.pk,
            purpose="direct_care",
            details={"partnership": str(partnership_id), "recipients": count},
        )


def _raise_alert(alert: Alert, *, persons: Sequence[int], subject: str) -> None:
    alert.save()
    alert.persons.set(list(persons))
    ledger_record(
        actor=ACTOR,
        action=Action.CREATE,
        object_type="alert",
        object_id=alert.pk,
        details={"kind": alert.kind, "rule": alert.rule.slug if alert.rule else ""},
    )
    _notify(
        selectors.recipients_mash(alert.partnership_id),
        kind=NoticeKind.ALERT,
        message=alert.explanation,
        subject=subject,
        person_id=persons[0] if persons else None,
        alert=alert,
    )


def _person_partnership(person_id: int | None) -> int | None:
    if person_id is None:
        return None
    area = PersonArea.objects.filter(person_id=person_id).values_list("partnership_id", flat=True)
    return area.first()


def _repeat_attendance(*, access: PointOfCareAccess, answer: PointOfCareAnswer) -> None:
    """Three unscheduled attendances within 90 days: an alert to the MASH, flagged or not.

    An attendance is one agency on one day (several checks during one visit count once).
    """
    since = access.at - REPEAT_WINDOW
    rows = PointOfCareAccess.objects.filter(
        nhs_number=access.nhs_number,
        setting__in=sorted(UNSCHEDULED_SETTINGS),
        at__gte=since,
        at__lte=access.at,
    ).values_list("agency_id", "at", "site")
    visits = {(a, timezone.localdate(at)): site for a, at, site in rows}
    if len(visits) < REPEAT_ATTENDANCES:
        return
    partnership_id = (
        (
            ProtectionFlag.objects.filter(pk=answer.flags[0].flag_id)
            .values_list("partnership_id", flat=True)
            .first()
            if answer.flags
            else None
        )
        or _person_partnership(access.person_id)
        or (access.agency.partnership_id if access.agency else None)
    )
    if partnership_id is None:
        return
    days = sorted(d for _, d in visits)
    explanation = (
        f"Repeat attendance: {len(visits)} unscheduled-care attendances between "
        f"{days[0]:%d %B %Y} and {days[-1]:%d %B %Y} "
        f"({', '.join(sorted(set(visits.values())))})."
    )
    now = timezone.now()
    alert = Alert.objects.filter(
        kind=AlertKind.REPEAT_ATTENDANCE, nhs_number=access.nhs_number, status=AlertStatus.OPEN
    ).first()
    if alert is not None:
        alert.item_count = len(visits)
        alert.evidence_to = days[-1]
        alert.explanation = explanation
        alert.updated_at = now
        alert.save()
        return
    alert = Alert(
        kind=AlertKind.REPEAT_ATTENDANCE,
        partnership_id=partnership_id,
        nhs_number=access.nhs_number,
        item_count=len(visits),
        evidence_from=days[0],
        evidence_to=days[-1],
        evidence_date=days[-1],
        explanation=explanation,
        raised_at=now,
        updated_at=now,
    )
    persons = [access.person_id] if access.person_id else []
    _raise_alert(alert, persons=persons, subject="a child has attended unscheduled care 3 times")


# ------------------------------------------------------------ cumulative concern


@dataclass
class SweepSummary:
    families: int = 0
    raised: int = 0
    updated: int = 0
    to_administrators: int = 0  # met by agencies of no partnership
    alert_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Rule:
    row: ConcernRule
    spec: RuleSpec
    category_ids: frozenset[int] | None  # the criteria as the sweep reads them
    key: int  # rules.spec_key: what of the row (and the names) decides findings
    open: dict[int, int]  # person id -> the rule's open alert (of no household) naming them
    households: dict[int, int]  # household id -> the rule's open alert for that family
    stored: dict[int, tuple[str, str]]  # open alert id -> its fingerprint and outcome


@dataclass(frozen=True)
class _Names:
    agencies: dict[int, str]  # agency id -> code
    categories: dict[int, str]  # category id -> slug

    def text(self) -> str:
        return f"{sorted(self.agencies.items())}{sorted(self.categories.items())}"


def _names() -> _Names:
    return _Names(
        agencies=dict(Agency.objects.values_list("pk", "code")),
        categories=dict(ConcernCategory.objects.values_list("pk", "slug")),
    )


def _rules(person_ids: set[int] | None, names: _Names) -> list[_Rule]:
    """The active rules, each with its open alerts (those naming these persons, or all)."""
    out = []
    through = Alert.persons.through
    names_text = names.text()
    merged = dict(
        Household.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id")
    )

    def survivor(hh: int) -> int:
        seen = {hh}
        while hh in merged and merged[hh] not in seen:
            hh = merged[hh]
            seen.add(hh)
        return hh

    for rule in ConcernRule.objects.filter(active=True).prefetch_related("categories"):
        categories = list(rule.categories.all())
        slugs = frozenset(c.slug for c in categories)
        spec = RuleSpec(
            slug=rule.slug,
            criteria=slugs or None,
            min_criteria=rule.min_criteria,
            min_agencies=rule.min_agencies,
            window_days=rule.window_days,
        )
        alerts = Alert.objects.filter(rule=rule, status=AlertStatus.OPEN)
        # A household's alert is found by its household (a merged one's by the survivor);
        # only alerts of no household (one person, or raised before) by their persons.
        per_household = {
            survivor(hh): pk
            for pk, hh in alerts.filter(household__isnull=False).values_list("pk", "household_id")
        }
        links = through.objects.filter(
            alert__rule=rule, alert__status=AlertStatus.OPEN, alert__household__isnull=True
        )
        if person_ids is not None:
            links = links.filter(person_id__in=sorted(person_ids))
            alerts = alerts.filter(
                Q(pk__in=links.values("alert_id")) | Q(pk__in=list(per_household.values()))
            )
        out.append(
            _Rule(
                row=rule,
                spec=spec,
                category_ids=frozenset(c.pk for c in categories) or None,
                key=spec_key(
                    spec, name=rule.name, partnership_id=rule.partnership_id, names=names_text
                ),
                open={p: a for a, p in links.values_list("alert_id", "person_id")},
                households=per_household,
                stored={
                    pk: (digest, result)
                    for pk, digest, result in alerts.values_list("pk", "fingerprint", "outcome")
                },
            )
        )
    return out


def _alert_partnership(
    rule: ConcernRule, finding: Finding, agency_partnership: Mapping[str, int | None]
) -> int | None:
    """The partnership whose MASH an alert goes to: the rule's own, if it has one and the
    finding involves its agencies; otherwise the partnership most of the items came from."""
    partnerships: dict[int, int] = {}  # partnership id -> how many of the agencies
    for code, _ in finding.agency_counts:
        partnership = agency_partnership.get(code)
        if partnership is not None:
            partnerships[partnership] = partnerships.get(partnership, 0) + 1
    if rule.partnership_id is not None:
        return rule.partnership_id if rule.partnership_id in partnerships else None
    if not partnerships:
        return None
    return int(sorted(partnerships.items(), key=lambda kv: (-kv[1], kv[0] or 0))[0][0] or 0)


def _alert_fields(rule: ConcernRule, finding: Finding, family: Sequence[int]) -> dict[str, Any]:
    return {
        "criteria": list(finding.criteria),
        "agencies": list(finding.agencies),
        "item_count": finding.item_count,
        "evidence_from": finding.evidence_from,
        "evidence_to": finding.evidence_to,
        "evidence_date": finding.evidence_date,
        "explanation": explain(rule.name, finding, family_size=len(family)),
    }


def concern_rules_run(
    *,
    person_ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepSummary:
    """Run every active rule over the families of these persons (all families when None).

    An alert is raised once per rule and family and updated afterwards: a family
    that already has an open alert for the rule (any member in common) gets it
    updated. Evidence dates come from when items occurred, not when they arrived.

    The reads are item metadata only, as the system actor ``system:alerts`` for the
    purpose *alerting*, which the policy point is asked first (refused: nothing is read).
    Each open alert keeps a fingerprint of what it was computed from; a family whose
    fingerprint is unchanged is neither re-judged nor its alert re-read.
    """
    system_access_required(actor=ACTOR.id, purpose=SystemPurpose.ALERTING.value, scope=ALERT_SCOPE)
    wanted = None if person_ids is None else set(person_ids)
    summary = SweepSummary()
    with transaction.atomic():
        names = _names()
        if wanted is None:
            rules = _rules(None, names)
            total = selectors.families_count() if rules and progress is not None else 0
            families = selectors.all_evidence()
        else:
            some = selectors.families_of(wanted)
            rules = _rules({p for _, f in some for p in f}, names)
            total = len(some)
            families = selectors.evidence_for(some)
        if not rules:
            return summary
        agency_partnership = dict(Agency.objects.values_list("code", "partnership_id"))
        hub: list[int] = []  # the default partnership, looked up once if needed
        code, slug = names.agencies.__getitem__, names.categories.__getitem__
        now = timezone.now()
        new_alerts: list[_NewAlert] = []
        # What becomes of each open alert the read meets (the last family wins, as a family
        # sharing a member with another updates the same alert): None, nothing (unchanged
        # fingerprint, or the rule no longer met); a pair, only this new fingerprint and the
        # outcome (the family judged again came out with the stored outcome); otherwise the judged
        # family, whose alert is read back, compared and written after the read.
        changed: dict[int, _Changed | tuple[str, str] | None] = {}
        for key, family, evidence in families:
            summary.families += 1
            if progress is not None and summary.families % 5000 == 0:
                progress(summary.families, max(total, summary.families))
            if not evidence:
                continue
            evidence.sort()  # once: each rule's items are then a sorted subsequence
            for rule in rules:
                items = relevant(rule.category_ids, evidence, ordered=True)
                if not items:
                    continue
                existing = None if key is None else rule.households.get(key)
                if existing is None:
                    for p in family:
                        existing = rule.open.get(p)
                        if existing is not None:
                            break
                if existing == -1:
                    continue  # raised for an overlapping family in this run
                if existing is not None:
                    digest = fingerprint(rule.key, family, items)
                    stored = rule.stored.get(existing, ("", ""))
                    if stored[0] == digest:
                        changed[existing] = None
                        continue
                    window = judge(rule.spec, items)
                    if window is None:
                        changed[existing] = None
                        continue
                    result = outcome(rule.key, family, items, window)
                    if stored[1] == result:
                        changed[existing] = (digest, result)
                    else:
                        changed[existing] = _Changed(rule, family, items, window, digest, result)
                    continue
                window = judge(rule.spec, items)
                if window is None:
                    continue
                finding = found(items, window, code, slug)
                partnership_id = _alert_partnership(rule.row, finding, agency_partnership)
                to_admins = False
                if partnership_id is None:
                    if rule.row.partnership_id is not None:
                        continue  # the rule is another partnership's, not met by its agencies
                    # Met by agencies of no partnership: never dropped silently, raised to
                    # the hub's administrators in the hub's default partnership.
                    if not hub:
                        hub.append(partnership_default()[0].pk)
                    partnership_id, to_admins = hub[0], True
                    summary.to_administrators += 1
                new_alerts.append(
                    _NewAlert(
                        rule=rule.row,
                        partnership_id=partnership_id,
                        household_id=key,
                        to_administrators=to_admins,
                        fields=_alert_fields(rule.row, finding, family),
                        fingerprint=fingerprint(rule.key, family, items),
                        outcome=outcome(rule.key, family, items, window),
                        family=family,
                    )
                )
                # One alert per family and rule per run.
                if key is not None:
                    rule.households[key] = -1
                else:
                    rule.open[family[0]] = -1
        updates: dict[int, tuple[dict[str, Any], tuple[int, ...]]] = {}
        refingerprinted: list[tuple[int, str, str]] = []
        for pk, change in changed.items():
            if change is None:
                continue
            if isinstance(change, tuple):
                refingerprinted.append((pk, *change))
                continue
            finding = found(change.items, change.window, code, slug)
            if _alert_partnership(change.rule.row, finding, agency_partnership) is None:
                continue
            fields = {
                **_alert_fields(change.rule.row, finding, change.family),
                "fingerprint": change.digest,
                "outcome": change.outcome,
            }
            updates[pk] = (fields, change.family)
        _apply_updates(updates, summary=summary, now=now, refingerprinted=refingerprinted)
        _create_alerts(new_alerts, summary=summary, now=now)
    if progress is not None:
        progress(summary.families, max(total, summary.families))
    return summary


_COMPARED = (
    "criteria",
    "agencies",
    "item_count",
    "evidence_from",
    "evidence_to",
    "evidence_date",
    "explanation",
)


@dataclass(frozen=True)
class _Changed:
    """A family whose open alert's fingerprint and outcome both changed: judged again."""

    rule: _Rule
    family: tuple[int, ...]
    items: list[Item]
    window: Window
    digest: str
    outcome: str


def _store_fingerprints(rows: list[tuple[int, str, str]]) -> None:
    """Store (alert id, fingerprint, outcome) without touching the alert otherwise: on
    PostgreSQL one statement joining arrays; on SQLite one small UPDATE by primary key
    each (``bulk_update``'s CASE grows with the batch)."""
    if not rows:
        return
    cols = ([r[1] for r in rows], [r[2] for r in rows])
    # S608: the table name comes from the model's own metadata, quoted; values are params.
    table = connection.ops.quote_name(Alert._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each column as one comma-separated text (digests are hex), split by the
            # server: psycopg's client-side binding quotes a long list item by item.
            cursor.execute(
                f"UPDATE {table} AS a SET fingerprint = v.f, outcome = v.o "  # noqa: S608
                "FROM unnest(string_to_array(%s, ',')::bigint[], string_to_array(%s, ','), "
                "string_to_array(%s, ',')) AS v(id, f, o) WHERE a.id = v.id",
                [",".join(str(r[0]) for r in rows), *(",".join(c) for c in cols)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET fingerprint = %s, outcome = %s WHERE id = %s",  # noqa: S608
                [(f, o, pk) for pk, f, o in rows],
            )


def _apply_updates(
    updates: dict[int, tuple[dict[str, Any], tuple[int, ...]]],
    *,
    summary: SweepSummary,
    now: dt.datetime,
    refingerprinted: list[tuple[int, str, str]],
) -> None:
    """Write the alerts whose outcome changed. Only these are read back: an alert whose
    fields come out the same gets its new fingerprint and outcome but is not "updated".
    ``refingerprinted`` (alerts whose outcome is unchanged) only get theirs stored."""
    if not updates:
        _store_fingerprints(refingerprinted)
        return
    current = {
        row[0]: row[1:]
        for row in Alert.objects.filter(pk__in=list(updates)).values_list("pk", *_COMPARED)
    }
    through = Alert.persons.through
    have = set(
        through.objects.filter(alert_id__in=list(updates)).values_list("alert_id", "person_id")
    )
    changed: list[Alert] = []
    new_persons: list[Any] = []
    for pk, (fresh, family) in updates.items():
        old = current.get(pk)
        if old is None:
            continue
        new_persons.extend(through(alert_id=pk, person_id=p) for p in family if (pk, p) not in have)
        old_from, old_date = old[3], old[5]
        # The evidence date never moves later: it is when the picture was first complete.
        if old_date and fresh["evidence_date"] and old_date < fresh["evidence_date"]:
            fresh["evidence_date"] = old_date
            if old_from and fresh["evidence_from"]:
                fresh["evidence_from"] = min(old_from, fresh["evidence_from"])
        if tuple(fresh[n] for n in _COMPARED) == tuple(old):
            refingerprinted.append((pk, fresh["fingerprint"], fresh["outcome"]))
            continue
        changed.append(Alert(pk=pk, updated_at=now, **fresh))
    if new_persons:
        through.objects.bulk_create(new_persons, ignore_conflicts=True, batch_size=5000)
    Alert.objects.bulk_update(
        changed, [*_COMPARED, "fingerprint", "outcome", "updated_at"], batch_size=1000
    )
    _store_fingerprints(refingerprinted)
    summary.updated += len(changed)


class _NewAlert(NamedTuple):
    rule: ConcernRule
    partnership_id: int
    fields: dict[str, Any]  # _alert_fields
    fingerprint: str
    outcome: str
    family: tuple[int, ...]
    household_id: int | None = None
    to_administrators: bool = False


_INSERTED = (
    "kind",
    "rule_id",
    "partnership_id",
    "nhs_number",
    "status",
    "raised_at",
    "updated_at",
    "fingerprint",
    "outcome",
    "household_id",
    "routed_to_administrators",
    *_COMPARED,
)


def _insert_rows(
    table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], *, ids: bool
) -> list[int]:
    """Insert plain rows (values already adapted for the backend), without a model
    instance each; with ``ids``, return the new rows' ids in the order of ``rows``.

    PostgreSQL: ``COPY ... FROM STDIN`` (psycopg's client-side binding makes an
    ``executemany`` or a large multi-row statement slow to send), the ids first taken
    from the table's own sequence. SQLite: ``executemany``, or with ``ids`` multi-row
    ``INSERT ... VALUES ... RETURNING id`` within its limit of bound variables; one
    statement's rows take ascending ids in the order given, so the returned ids are
    sorted and nothing depends on the order RETURNING gives them back in."""
    quote = connection.ops.quote_name
    out: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, len(rows)],
                )
                out = sorted(row[0] for row in cursor.fetchall())
                rows = [(pk, *row) for pk, row in zip(out, rows, strict=True)]
                columns = ("id", *columns)
            names = ", ".join(quote(c) for c in columns)
            # Table and column names come from the models' own metadata, quoted.
            copy = f"COPY {quote(table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(copy) as stream:
                for row in rows:
                    stream.write_row(row)
            return out
        names = ", ".join(quote(c) for c in columns)
        head = f"INSERT INTO {quote(table)} ({names}) "
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        if not ids:
            cursor.executemany(f"{head}VALUES {one}", rows)
            return out
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_batch = max(1, min(1000, limit // len(columns)))
        for first in range(0, len(rows), per_batch):
            batch = rows[first : first + per_batch]
            params = [v for row in batch for v in row]
            # Names as above; the values are parameters.
            cursor.execute(f"{head}VALUES {', '.join([one] * len(batch))} RETURNING id", params)
            out.extend(sorted(row[0] for row in cursor.fetchall()))
    return out


def _insert_alerts(new_alerts: list[_NewAlert], *, now: dt.datetime) -> list[int]:
    """Insert new cumulative alerts, values adapted as the ORM adapts them (dates and
    times by the backend, JSON lists as JSON text). Returns their ids in order."""
    ops = connection.ops
    day, at = ops.adapt_datefield_value, ops.adapt_datetimefield_value(now)
    kind, status = str(AlertKind.CUMULATIVE), str(AlertStatus.OPEN)
    dumps = json.dumps
    rows = []
    for a in new_alerts:
        f = a.fields
        rows.append(
            (
                kind,
                a.rule.pk,
                a.partnership_id,
                "",
                status,
                at,
                at,
                a.fingerprint,
                a.outcome,
                a.household_id,
                a.to_administrators,
                dumps(f["criteria"]),
                dumps(f["agencies"]),
                f["item_count"],
                day(f["evidence_from"]),
                day(f["evidence_to"]),
                day(f["evidence_date"]),
                f["explanation"],
            )
        )
    return _insert_rows(Alert._meta.db_table, _INSERTED, rows, ids=True)


def _create_alerts(new_alerts: list[_NewAlert], *, summary: SweepSummary, now: dt.datetime) -> None:
    if not new_alerts:
        return
    ids = _insert_alerts(new_alerts, now=now)
    # The alerts' persons: two integers a row.
    _insert_rows(
        Alert.persons.through._meta.db_table,
        ("alert_id", "person_id"),
        [(pk, p) for pk, a in zip(ids, new_alerts, strict=True) for p in a.family],
        ids=False,
    )
    kind = str(AlertKind.CUMULATIVE)
    ledger_record_many(
        actor=ACTOR,
        events=[
            EventSpec(
                action=Action.CREATE,
                object_type="alert",
                object_id=pk,
                details={"kind": kind, "rule": a.rule.slug},
            )
            for pk, a in zip(ids, new_alerts, strict=True)
        ],
    )
    mash: dict[int, list[Practitioner]] = {}
    notices: list[Notice] = []
    mails = []
    admins: list[Practitioner] | None = None
    for pk, alert in zip(ids, new_alerts, strict=True):
        if alert.to_administrators:
            if admins is None:
                admins = list(selectors.recipients_administrators())
            recipients = admins
        else:
            if alert.partnership_id not in mash:
                mash[alert.partnership_id] = list(selectors.recipients_mash(alert.partnership_id))
            recipients = mash[alert.partnership_id]
        for r in recipients:
            notices.append(
                Notice(
                    recipient=r,
                    kind=NoticeKind.ALERT,
                    # what each recipient may see is worked out when they open Alerts
                    # (selectors.alert_explanation_for); the notice names no agency or
                    # category (docs/decisions/0072)
                    message=f"{alert.rule.name}: a family now meets this rule."[:300],
                    person_id=alert.family[0],
                    alert_id=pk,
                    created_at=now,
                )
            )
            if r.email:
                mails.append(
                    (
                        "Full Picture: a cumulative-concern alert for your MASH",
                        "A family now meets a cumulative-concern rule. Sign in to Full Picture "
                        "and open Alerts to see the explanation. This email carries no "
                        "personal details on purpose.",
                        settings.DEFAULT_FROM_EMAIL,
                        [r.email],
                    )
                )
    Notice.objects.bulk_create(notices, batch_size=5000)
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))
    summary.raised += len(ids)
    summary.alert_ids.extend(ids)


def alerts_export(*, path: Path, actor: Actor) -> int:
    """One row per alert: alert_id, rule, family_id (the household; blank for one
    person), person_ids, agencies, criteria, evidence_date (the day the rule was first
    met), evidence_from, evidence_to, raised_at. The file appears only once its ledger
    event has committed."""

    def write(handle: IO[str]) -> int:
        writer = csv_writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "alert_id",
                "rule",
                "family_id",
                "person_ids",
                "agencies",
                "criteria",
                "evidence_date",
                "evidence_from",
                "evidence_to",
                "raised_at",
            ]
        )
        count = 0
        for alert in selectors.alerts_for_export():
            writer.writerow(
                [
                    alert.pk,
                    alert.rule.slug if alert.rule else alert.kind,
                    alert.household_id or "",
                    ";".join(str(p.pk) for p in alert.persons.all()),
                    ";".join(alert.agencies),
                    ";".join(alert.criteria),
                    alert.evidence_date.isoformat() if alert.evidence_date else "",
                    alert.evidence_from.isoformat() if alert.evidence_from else "",
                    alert.evidence_to.isoformat() if alert.evidence_to else "",
                    alert.raised_at.isoformat(),
                ]
            )
            count += 1
        return count

    def audit(rows: int) -> None:
        ledger_record(
            actor=actor, action=Action.EXPORT, object_type="alerts", details={"rows": rows}
        )

    return file_after_audit(path, write=write, audit=audit)


# ------------------------------------------------------------------------ moves


def postcode_district(postcode: str) -> str:
    """The outward code: 'ST3 8HD' -> 'ST3'; 'ST38HD' -> 'ST3'."""
    text = "".join(postcode.upper().split())
    return text[:-3] if len(text) > 4 else text


def _district_partnerships() -> dict[str, int]:
    out: dict[str, int] = {}
    for pk, districts in Partnership.objects.values_list("pk", "postcode_districts"):
        for d in districts or []:
            out[str(d).upper()] = pk
    return out


@dataclass
class MoveSummary:
    moves: int = 0
    transfers: list[int] = field(default_factory=list)


def moves_detect(*, person_ids: Iterable[int], actor: Actor = ACTOR) -> MoveSummary:
    """Compare where each person's most recent record says they live with where they
    lived before; a move into another partnership by a flagged child or a family with
    an open enquiry or alert notifies both partnerships and opens a case transfer.

    Read as the system actor ``system:alerts`` for the purpose *alerting*: the policy
    point is asked before any record is read (refused: nothing is read)."""
    system_access_required(actor=actor.id, purpose=SystemPurpose.ALERTING.value, scope=MOVES_SCOPE)
    districts = _district_partnerships()
    summary = MoveSummary()
    wanted = sorted(set(person_ids))
    records = (
        SourceRecord.objects.filter(person_id__in=wanted)
        .exclude(postcode="")
        .order_by("person_id", "recorded_at", "id")
        .values_list("person_id", "postcode", "recorded_at")
    )
    history: dict[int, list[tuple[int, str, dt.date | None]]] = {}
    for person, postcode, recorded in records:
        district = postcode_district(postcode)
        if district in districts:
            history.setdefault(person, []).append((districts[district], district, recorded))
    areas = {a.person_id: a for a in PersonArea.objects.filter(person_id__in=wanted)}
    with transaction.atomic():
        for person, seen in history.items():
            now_in, district, since = seen[-1]
            area = areas.get(person)
            before = area.partnership_id if area else None
            if before is None:
                earlier = [p for p, _, _ in seen[:-1] if p != now_in]
                before = earlier[-1] if earlier else None
            if area is None:
                PersonArea.objects.create(
                    person_id=person, partnership_id=now_in, district=district, since=since
                )
            elif area.partnership_id != now_in or area.district != district:
                area.partnership_id, area.district, area.since = now_in, district, since
                area.save()
            if before is not None and before != now_in:
                transfer = _moved(person_id=person, from_id=before, to_id=now_in, actor=actor)
                summary.moves += 1
                if transfer is not None:
                    summary.transfers.append(transfer.pk)
    return summary


def _family_of_concern(person_id: int) -> tuple[list[int], str] | None:
    family = selectors.families_of([person_id])[0][1]
    flagged = ProtectionFlag.objects.filter(person_id__in=family).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    )
    if flagged.exists():
        return list(family), "a child on a plan"
    if OpenEnquiry.objects.filter(person_id__in=family, closed_at__isnull=True).exists():
        return list(family), "a family with an open enquiry"
    if Alert.objects.filter(
        persons__in=family, kind=AlertKind.CUMULATIVE, status=AlertStatus.OPEN
    ).exists():
        return list(family), "a family with an open cumulative-concern alert"
    return None


def _moved(*, person_id: int, from_id: int, to_id: int, actor: Actor) -> CaseTransfer | None:
    concern = _family_of_concern(person_id)
    if concern is None:
        return None
    family, why = concern
    transfer = CaseTransfer.objects.filter(
        person_id__in=family,
        from_partnership_id=from_id,
        to_partnership_id=to_id,
        status=TransferStatus.SENT,
    ).first()
    if transfer is not None:
        return transfer
    now = timezone.now()
    names = dict(Partnership.objects.filter(pk__in=[from_id, to_id]).values_list("pk", "name"))
    transfer = CaseTransfer.objects.create(
        person_id=person_id,
        from_partnership_id=from_id,
        to_partnership_id=to_id,
        reason=f"{why} moved from {names[from_id]} to {names[to_id]}",
        checklist=dict.fromkeys(HANDOVER_ITEMS, False),
        created_at=now,
    )
    alert = Alert(
        kind=AlertKind.MOVE,
        partnership_id=to_id,
        explanation=f"Moved in: {why} has moved from {names[from_id]} to {names[to_id]}. "
        f"Case transfer {transfer.pk} is awaiting your acknowledgement.",
        raised_at=now,
        updated_at=now,
        evidence_date=timezone.localdate(now),
    )
    alert.save()
    alert.persons.set(family)
    ledger_record(
        actor=actor,
        action=Action.CREATE,
        object_type="case_transfer",
        object_id=transfer.pk,
        details={"from": str(from_id), "to": str(to_id), "alert": str(alert.pk)},
    )
    for partnership_id, direction in ((from_id, "out of"), (to_id, "into")):
        _notify(
            selectors.recipients_social_care(partnership_id),
            kind=NoticeKind.MOVE,
            message=f"{why.capitalize()} moved {direction} your area "
            f"({names[from_id]} to {names[to_id]}); case transfer {transfer.pk} opened.",
            subject=f"a family moved {direction} your area",
            person_id=person_id,
            alert=alert if partnership_id == to_id else None,
            transfer=transfer,
        )
    return transfer


class TransferRefused(Exception):
    pass


def _transfer_for(viewer: Practitioner, transfer_id: int) -> CaseTransfer:
    transfer = selectors.transfers_for(viewer=viewer).filter(pk=transfer_id).first()
    if transfer is None:
        raise TransferRefused("no such transfer")
    return transfer


def case_transfer_tick(*, viewer: Practitioner, transfer_id: int, item: str) -> CaseTransfer:
    """The sending authority marks one handover item as handed over."""
    with transaction.atomic():
        transfer = _transfer_for(viewer, transfer_id)
        if viewer.partnership_id != transfer.from_partnership_id:
            raise TransferRefused("only the sending authority hands items over")
        if item not in HANDOVER_ITEMS:
            raise TransferRefused("not a handover item")
        transfer.checklist = {**transfer.checklist, item: True}
        transfer.save(update_fields=["checklist"])
        ledger_record(
            actor=viewer.actor,
            action=Action.UPDATE,
            object_type="case_transfer",
            object_id=transfer.pk,
            details={"handed_over": item},
        )
    return transfer


def case_transfer_acknowledge(*, viewer: Practitioner, transfer_id: int) -> CaseTransfer:
    """The receiving authority acknowledges the transfer; both sides are told."""
    with transaction.atomic():
        transfer = _transfer_for(viewer, transfer_id)
        if viewer.partnership_id != transfer.to_partnership_id:
            raise TransferRefused("only the receiving authority acknowledges")
        if transfer.status == TransferStatus.ACKNOWLEDGED:
            return transfer
        outstanding = [k for k in HANDOVER_ITEMS if not transfer.checklist.get(k)]
        transfer.status = TransferStatus.ACKNOWLEDGED
        transfer.acknowledged_at = timezone.now()
        transfer.acknowledged_by = viewer
        transfer.save()
        ledger_record(
            actor=viewer.actor,
            action=Action.UPDATE,
            object_type="case_transfer",
            object_id=transfer.pk,
            details={"acknowledged": True, "outstanding": outstanding},
        )
        _notify(
            selectors.recipients_social_care(transfer.from_partnership_id),
            kind=NoticeKind.TRANSFER,
            message=f"Case transfer {transfer.pk} was acknowledged by "
            f"{transfer.to_partnership.name}.",
            subject="a case transfer was acknowledged",
            person_id=transfer.person_id,
            transfer=transfer,
        )
    return transfer


def enquiry_open(*, person_id: int, partnership: Partnership) -> OpenEnquiry:
    return OpenEnquiry.objects.create(
        person_id=person_id, partnership=partnership, opened_at=timezone.now()
    )


# ------------------------------------------------------------------------- demo

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def alerts_demo_load(*, say: Callable[[str], None] = lambda _m: None) -> None:
    """Sharetown's flags (records, SSDA903, CIN), point-of-care checks, the family that
    moves in from Northvale, and a full sweep of the cumulative-concern rules."""
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["SCSC", "NVCSC", "STGH", "RMP"])}
    flags = flags_import_file(path=DATA / "sharetown_flags.csv", actor=ACTOR)
    looked_after = ssda903_import(
        agency=agencies["SCSC"],
        paths=[DATA / "ssda903_header.csv", DATA / "ssda903_episodes.csv"],
        actor=ACTOR,
    )
    cin = cin_import(agency=agencies["SCSC"], path=DATA / "cin_census.xml", actor=ACTOR)
    say(
        f"Flags: {flags.created} from records, {looked_after.created} looked after (SSDA903), "
        f"{cin.created} child protection (CIN)."
    )
    ae = Practitioner.objects.filter(username="ae.nurse").first()
    gp = Practitioner.objects.filter(username="gp").first()
    tz = timezone.get_current_timezone()
    checks = [
        (ae, "9996431274", CareSetting.EMERGENCY, dt.datetime(2026, 11, 21, 2, 13, tzinfo=tz)),
        (gp, "9996431274", CareSetting.SCHEDULED, dt.datetime(2026, 11, 23, 10, 40, tzinfo=tz)),
        (ae, "9991015841", CareSetting.MATERNITY, dt.datetime(2026, 11, 24, 23, 5, tzinfo=tz)),
        (ae, "9992743425", CareSetting.EMERGENCY, dt.datetime(2026, 9, 30, 19, 20, tzinfo=tz)),
        (ae, "9992743425", CareSetting.EMERGENCY, dt.datetime(2026, 10, 28, 21, 45, tzinfo=tz)),
        (ae, "9992743425", CareSetting.EMERGENCY, dt.datetime(2026, 11, 19, 3, 30, tzinfo=tz)),
    ]
    for viewer, nhs, setting, at in checks:
        if viewer is not None:
            point_of_care_check(
                viewer=viewer, nhs_number=nhs, setting=setting, channel="page", at=at
            )
    persons = SourceRecord.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    moves = moves_detect(person_ids=persons)
    sweep = concern_rules_run()
    say(
        f"Point-of-care checks: {len(checks)}; moves between partnerships: {moves.moves} "
        f"({len(moves.transfers)} case transfers); cumulative-concern alerts: {sweep.raised}."
    )
