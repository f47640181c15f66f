"""Cumulative concern: rules as data, evidence dates from when items occurred, negatives,
raised once and updated, the task on new items, and the export."""

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from fullpicture.alerts.models import Alert, AlertKind, ConcernRule, Notice
from fullpicture.alerts.rules import Evidence, RuleSpec, evaluate
from fullpicture.alerts.services import concern_rules_run
from fullpicture.alerts.tasks import rules_for_items
from fullpicture.audit.models import Action, LedgerEvent
from fullpicture.audit.selectors import ledger_head, ledger_verify
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.partnerships.tests.factories import AgencyFactory
from fullpicture.people.models import Household, Person
from fullpicture.people.tests.factories import SourceRecordFactory
from fullpicture.sharing.models import InformationItem
from fullpicture.sharing.services import ITEM_COLUMNS, items_import

D = dt.date
HALCON = RuleSpec(
    "halcon",
    frozenset({"domestic_abuse", "mental_health", "drugs_alcohol", "offending", "debt"}),
    3,
    3,
    365,
)


def test_the_evidence_date_is_when_the_picture_became_complete():
    found = evaluate(
        HALCON,
        [
            Evidence(D(2024, 1, 10), "POL", "domestic_abuse"),
            Evidence(D(2024, 3, 2), "GP", "mental_health"),
            Evidence(D(2024, 6, 30), "DAS", "drugs_alcohol"),
            Evidence(D(2024, 9, 1), "POL", "domestic_abuse"),
        ],
    )
    assert found is not None
    assert found.evidence_date == D(2024, 6, 30)
    assert (found.evidence_from, found.evidence_to) == (D(2024, 1, 10), D(2024, 9, 1))
    assert found.agencies == ("DAS", "GP", "POL")
    assert found.item_count == 4


def test_two_agencies_raise_nothing():
    assert (
        evaluate(
            HALCON,
            [
                Evidence(D(2024, 1, 10), "POL", "domestic_abuse"),
                Evidence(D(2024, 3, 2), "GP", "mental_health"),
                Evidence(D(2024, 4, 2), "GP", "drugs_alcohol"),
            ],
        )
        is None
    )


def test_concerns_outside_the_window_raise_nothing():
    assert (
        evaluate(
            HALCON,
            [
                Evidence(D(2022, 1, 10), "POL", "domestic_abuse"),
                Evidence(D(2023, 3, 2), "GP", "mental_health"),
                Evidence(D(2024, 4, 2), "DAS", "drugs_alcohol"),
            ],
        )
        is None
    )


def test_other_categories_do_not_count_for_halcon():
    assert (
        evaluate(
            HALCON,
            [
                Evidence(D(2024, 1, 10), "POL", "domestic_abuse"),
                Evidence(D(2024, 3, 2), "GP", "mental_health"),
                Evidence(D(2024, 4, 2), "SCH", "school_attendance"),
            ],
        )
        is None
    )


def _family(world, codes):
    """A mother and child, known to each of these agencies; one household."""
    mother, child = Person.objects.create(), Person.objects.create()
    records = {}
    for code in codes:
        agency = AgencyFactory(code=code, partnership=world.home)
        records[code] = (
            SourceRecordFactory(agency=agency, source_id=f"{code}-M", person=mother),
            SourceRecordFactory(agency=agency, source_id=f"{code}-C", person=child),
        )
    household = Household.objects.create()
    household.members.set([mother, child])
    return mother, child, records


def _feed(code, rows, **values):
    from fullpicture.partnerships.models import Agency

    lines = []
    for n, (source_id, who, category, occurred) in enumerate(rows, start=2):
        row = dict.fromkeys(ITEM_COLUMNS, "")
        row.update(
            source_id=source_id,
            person_source_ids=who,
            category=category,
            occurred_at=occurred,
            recorded_at="2026-11-01",
            summary="A fictional item",
        )
        row.update(values)
        lines.append((n, row))
    return items_import(
        agency=Agency.objects.get(code=code),
        rows=lines,
        file=f"{code}.csv",
        actor=Actor.system("t"),
    )


def _replay(world):
    mother, child, _ = _family(world, ["POLX", "GPX", "DASX"])
    _feed("POLX", [("P1", "POLX-M", "domestic_abuse", "2024-01-10")])
    _feed("GPX", [("G1", "GPX-M", "mental_health", "2024-03-02")])
    _feed("DASX", [("D1", "DASX-M", "drugs_alcohol", "2024-06-30")])
    return mother, child


def test_a_replayed_history_raises_one_alert_dated_by_its_evidence(world):
    mother, child = _replay(world)
    summary = concern_rules_run()
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    assert summary.raised == 2  # Halcon, and three agencies in 12 months
    assert halcon.evidence_date == D(2024, 6, 30)
    assert halcon.raised_at.date() > D(2026, 1, 1)  # loaded now, dated by the picture
    assert set(halcon.persons.values_list("pk", flat=True)) == {mother.pk, child.pk}
    assert "POLX (1)" in halcon.explanation
    assert "fictional" not in halcon.explanation  # never the items' content
    assert Notice.objects.filter(alert=halcon, recipient=world.mash).exists()
    assert not Notice.objects.filter(alert=halcon, recipient=world.social_worker).exists()


def test_it_is_raised_once_and_updated_not_repeated(world):
    _replay(world)
    concern_rules_run()
    _feed("POLX", [("P2", "POLX-C", "offending", "2024-08-01")])
    summary = concern_rules_run()
    assert summary.raised == 0
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    assert halcon.evidence_date == D(2024, 6, 30)
    assert halcon.evidence_to == D(2024, 8, 1)
    assert "offending" in halcon.criteria
    assert Alert.objects.filter(kind=AlertKind.CUMULATIVE).count() == 2


def test_a_family_known_to_two_agencies_raises_nothing(world):
    _family(world, ["POLY", "GPY"])
    _feed("POLY", [("P1", "POLY-M", "domestic_abuse", "2025-01-10")])
    _feed(
        "GPY",
        [("G1", "GPY-M", "mental_health", "2025-02-02"), ("G2", "GPY-C", "debt", "2025-03-02")],
    )
    assert concern_rules_run().raised == 0


def test_rules_are_data_an_administrator_edits(world):
    _replay(world)
    ConcernRule.objects.update(active=False)
    assert concern_rules_run().raised == 0
    ConcernRule.objects.filter(slug="halcon-one-team").update(active=True, min_agencies=4)
    assert concern_rules_run().raised == 0


def test_new_items_run_the_rules_as_a_task(world, django_capture_on_commit_callbacks):
    _family(world, ["POLZ", "GPZ", "DASZ"])
    with django_capture_on_commit_callbacks(execute=True):
        _feed("POLZ", [("P1", "POLZ-M", "domestic_abuse", "2025-01-10")])
        _feed("GPZ", [("G1", "GPZ-M", "mental_health", "2025-03-02")])
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _feed("DASZ", [("D1", "DASZ-C", "drugs_alcohol", "2025-05-30")])
    assert Alert.objects.get(rule__slug="halcon-one-team").evidence_date == D(2025, 5, 30)


def test_the_sweep_and_the_export(world, tmp_path):
    mother, child = _replay(world)
    call_command("alerts", "sweep")
    out = tmp_path / "alerts.csv"
    call_command("alerts", "export", str(out))
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
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
    halcon = next(r for r in rows if r["rule"] == "halcon-one-team")
    assert halcon["person_ids"] == f"{mother.pk};{child.pk}"
    assert halcon["agencies"] == "DASX;GPX;POLX"
    assert halcon["criteria"] == "domestic_abuse;drugs_alcohol;mental_health"
    assert (halcon["evidence_from"], halcon["evidence_to"]) == ("2024-01-10", "2024-06-30")
    assert halcon["evidence_date"] == "2024-06-30"
    assert halcon["family_id"] == str(Household.objects.get().pk)


@pytest.mark.parametrize("persons", [None, "some"])
def test_running_twice_changes_nothing(world, persons):
    mother, _ = _replay(world)
    concern_rules_run(person_ids=None if persons is None else [mother.pk])
    again = concern_rules_run(person_ids=None if persons is None else [mother.pk])
    assert (again.raised, again.updated) == (0, 0)


def _reference(spec, evidence):
    """The rule as first written (docs/decisions/0043): for each item in order, the items
    up to it that occurred within the window before it; the evidence date is the first
    item's date at which they qualify; the counted items run from that window's first
    item to the last qualifying one and the items on its day. Quadratic, plainly."""
    items = sorted(e for e in evidence if spec.criteria is None or e[2] in spec.criteria)
    first = last = -1
    for right, item in enumerate(items):
        floor = item[0] - dt.timedelta(days=spec.window_days)
        window = [(n, e) for n, e in enumerate(items[: right + 1]) if e[0] >= floor]
        agencies = {e[1] for _, e in window}
        criteria = {e[2] for _, e in window}
        if len(agencies) >= spec.min_agencies and len(criteria) >= spec.min_criteria:
            if first < 0:
                first, date = window[0][0], item[0]
            last = right
    if first < 0:
        return None
    while last + 1 < len(items) and items[last + 1][0] == items[last][0]:
        last += 1
    counted = items[first : last + 1]
    return (date, counted[0][0], counted[-1][0], len(counted), sorted({e[1] for e in counted}))


@pytest.mark.parametrize(
    "spec", [HALCON, RuleSpec("three", None, 1, 3, 365), RuleSpec("short", None, 2, 2, 30)]
)
def test_the_sliding_window_agrees_with_the_plain_rule(spec):
    """The sweep's one-pass window (with its early exit) finds what the plain quadratic
    reading of the rule finds, on 3,000 random families."""
    import random

    rng = random.Random(7)
    slugs = [*sorted(HALCON.criteria or ()), "school_attendance", "housing"]
    met = 0
    for _ in range(3000):
        evidence = [
            Evidence(
                D(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 900)),
                rng.choice(["POL", "GP", "DAS", "SCH", "HV"]),
                rng.choice(slugs),
            )
            for _ in range(rng.randint(1, 9))
        ]
        found = evaluate(spec, evidence)
        expected = _reference(spec, evidence)
        assert (found is None) == (expected is None)
        if found is not None:
            met += 1
            assert (
                found.evidence_date,
                found.evidence_from,
                found.evidence_to,
                found.item_count,
                list(found.agencies),
            ) == expected
    assert 300 < met < 2700  # both outcomes well represented


def test_an_unchanged_family_keeps_its_fingerprint_and_a_changed_rule_updates(world):
    _replay(world)
    concern_rules_run()
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    assert len(halcon.fingerprint) == 16
    assert concern_rules_run().updated == 0
    # What the alert is computed from includes the rule's row: renaming it re-explains.
    ConcernRule.objects.filter(slug="halcon-one-team").update(name="One Team")
    summary = concern_rules_run()
    assert (summary.raised, summary.updated) == (0, 1)
    halcon.refresh_from_db()
    assert halcon.explanation.startswith("One Team:")
    assert concern_rules_run().updated == 0


def test_an_alert_without_a_fingerprint_is_judged_again_not_updated(world):
    """Alerts raised before fingerprints (or whose fingerprint is lost) are re-judged and
    compared field by field: unchanged, they get the fingerprint and count as no update."""
    _replay(world)
    concern_rules_run()
    before = {a.pk: (a.updated_at, a.fingerprint) for a in Alert.objects.all()}
    Alert.objects.update(fingerprint="")
    summary = concern_rules_run()
    assert (summary.raised, summary.updated) == (0, 0)
    assert {a.pk: (a.updated_at, a.fingerprint) for a in Alert.objects.all()} == before


def test_a_family_judged_again_with_the_stored_outcome_leaves_its_alert_unread(world):
    """A lost fingerprint means judging the family again; when what it comes to (the
    outcome) is the stored one, the alert is neither read back nor written: a field
    changed behind the sweep's back stays as it is, and the fingerprint comes back."""
    _replay(world)
    concern_rules_run()
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    digests = (halcon.fingerprint, halcon.outcome)
    Alert.objects.filter(pk=halcon.pk).update(fingerprint="", explanation="edited")
    summary = concern_rules_run()
    assert (summary.raised, summary.updated) == (0, 0)
    halcon.refresh_from_db()
    assert (halcon.fingerprint, halcon.outcome, halcon.explanation) == (*digests, "edited")


def test_an_alert_without_an_outcome_is_read_back_and_corrected(world):
    """Alerts from before outcomes (or whose outcome is lost) are judged, read back and
    compared field by field: unchanged, they get both digests and count as no update;
    different, they are rewritten."""
    _replay(world)
    concern_rules_run()
    before = {a.pk: (a.updated_at, a.fingerprint, a.outcome) for a in Alert.objects.all()}
    Alert.objects.update(fingerprint="", outcome="")
    summary = concern_rules_run()
    assert (summary.raised, summary.updated) == (0, 0)
    after = {a.pk: (a.updated_at, a.fingerprint, a.outcome) for a in Alert.objects.all()}
    assert after == before
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    explanation = halcon.explanation
    Alert.objects.filter(pk=halcon.pk).update(fingerprint="", outcome="", explanation="edited")
    assert concern_rules_run().updated == 1
    halcon.refresh_from_db()
    assert (halcon.explanation, halcon.outcome) == (explanation, before[halcon.pk][2])


def test_the_sweeps_ledger_events_name_each_alert_and_the_chain_verifies(world):
    """The sweep's events go through the ledger's bulk path: one per new alert (ids and
    kinds), chained with events written one at a time before and after them."""
    _replay(world)
    ledger_record(actor=Actor.system("test"), action=Action.VIEW, object_type="check")
    before = ledger_head()[0]
    summary = concern_rules_run()
    ledger_record(actor=Actor.system("test"), action=Action.VIEW, object_type="check")
    events = list(LedgerEvent.objects.filter(seq__gt=before, object_type="alert"))
    assert summary.raised >= 2
    assert sorted(int(e.object_id) for e in events) == sorted(summary.alert_ids)
    slugs = dict(Alert.objects.values_list("pk", "rule__slug"))
    assert all(
        e.details == {"kind": "cumulative", "rule": slugs[int(e.object_id)]}
        and e.actor_id == "system:alerts"
        for e in events
    )
    check = ledger_verify()
    assert check.ok, check.problem
    assert check.checked == ledger_head()[0]


def test_a_person_in_no_household_is_a_family_of_one(world):
    mother, _ = _replay(world)
    Household.objects.all().delete()
    Alert.objects.all().delete()
    concern_rules_run()
    halcon = Alert.objects.get(rule__slug="halcon-one-team")
    assert list(halcon.persons.values_list("pk", flat=True)) == [mother.pk]
    assert "about one person" in halcon.explanation


def test_the_rules_ask_the_policy_point_and_stop_when_refused(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from fullpicture.sharing import policy

    _replay(world)
    monkeypatch.delitem(policy.SYSTEM_ACCESS, ("system:alerts", "alerting", "item-metadata"))
    with pytest.raises(policy.SystemAccessRefused, match="system:alerts"):
        concern_rules_run()
    with pytest.raises(CommandError, match="refused the sweep"):
        call_command("alerts", "sweep")
    with pytest.raises(policy.SystemAccessRefused, match="'alerting'"):
        rules_for_items.call(list(InformationItem.objects.values_list("pk", flat=True)))
    with django_capture_on_commit_callbacks(execute=True):  # the queued task fails alike
        _feed("POLX", [("P2", "POLX-C", "offending", "2024-08-01")])
    assert not Alert.objects.exists()
    monkeypatch.undo()
    assert concern_rules_run().raised == 2
