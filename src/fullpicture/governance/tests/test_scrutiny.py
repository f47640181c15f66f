"""Board scrutiny: counts from the ledger, for a partnership and period; never a person."""

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fullpicture.audit.models import LedgerEvent
from fullpicture.audit.services import Actor, ledger_record
from fullpicture.governance.scrutiny import (
    Period,
    break_glass_use,
    chart_for,
    request_response_times,
    shares_and_withholds,
    withholds_by_reason,
)
from fullpicture.partnerships.tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PractitionerFactory,
)
from fullpicture.sharing.models import WithholdReason

pytestmark = pytest.mark.django_db

REASONS = [*WithholdReason.values, ""]


@pytest.fixture
def partnership():
    p = PartnershipFactory(code="E06009001")
    agencies = [
        AgencyFactory(code=f"SQ{n}", name=f"Scrutiny agency {n}", partnership=p) for n in range(3)
    ]
    outsider = AgencyFactory(code="SQX", name="Another partnership's agency")
    return p, agencies, outsider


def _today() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=1), today)


event = st.one_of(
    st.tuples(
        st.just("decision"),
        st.integers(0, 3),
        st.sampled_from(["share", "withhold"]),
        st.sampled_from(REASONS),
    ),
    st.tuples(
        st.just("request"),
        st.integers(0, 3),
        st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),
        st.lists(st.booleans(), min_size=3, max_size=3),
    ),
    st.tuples(
        st.just("break_glass"),
        st.integers(0, 3),
        st.sampled_from(["", "appropriate", "not_appropriate"]),
        st.booleans(),
    ),
)


def _play(history, agencies, outsider, counter=[0]):  # noqa: B006  (a running id source)
    everyone = [*agencies, outsider]
    for kind, who, a, b in history:
        agency = everyone[who]
        actor = Actor(id=f"user:{900 + who}", agency=agency.code)
        counter[0] += 1
        oid = counter[0]
        if kind == "decision":
            ledger_record(
                actor=actor,
                action=a,
                object_type="information_item",
                object_id=oid,
                reason_code=b if a == "withhold" else "",
            )
        elif kind == "request":
            asked = [agencies[i] for i in a]
            ledger_record(
                actor=actor,
                action="request",
                object_type="information_request",
                object_id=f"r{oid}",
                details={"agency_ids": [str(x.pk) for x in asked], "person_id": "1"},
            )
            for target, answered in zip(asked, b, strict=False):
                if answered:
                    ledger_record(
                        actor=Actor(id="user:1", agency=target.code),
                        action="answer",
                        object_type="information_request",
                        object_id=f"r{oid}",
                    )
        else:
            ledger_record(
                actor=actor,
                action="break_glass",
                object_type="person",
                object_id="7",
                reason_code="start",
                details={"grant_id": f"g{oid}"},
            )
            if a:
                ledger_record(
                    actor=Actor(id="user:2", agency="SQ0"),
                    action="break_glass",
                    object_type="break_glass_grant",
                    object_id=f"g{oid}",
                    reason_code=a,
                )


def _expected(agencies):
    """Counts computed directly from every ledger row, with no shared code."""
    codes = {a.code: a for a in agencies}
    events = list(LedgerEvent.objects.order_by("seq"))
    decisions = Counter(
        (e.actor_agency, e.action)
        for e in events
        if e.object_type == "information_item"
        and e.action in ("share", "withhold")
        and e.actor_agency in codes
    )
    reasons = Counter(
        e.reason_code
        for e in events
        if e.object_type == "information_item"
        and e.action == "withhold"
        and e.actor_agency in codes
    )
    by_pk = {str(a.pk): a.code for a in agencies}
    answered = {(e.object_id, e.actor_agency) for e in events if e.action == "answer"}
    requests: Counter = Counter()
    for e in events:
        if e.action == "request" and e.actor_agency in codes:
            for pk in e.details["agency_ids"]:
                done = (e.object_id, by_pk[pk]) in answered
                requests[(by_pk[pk], "answered" if done else "not")] += 1
    reviews = {e.object_id: e.reason_code for e in events if e.object_type == "break_glass_grant"}
    glass = Counter(
        (e.actor_agency, reviews.get(e.details["grant_id"], "pending"))
        for e in events
        if e.action == "break_glass" and e.reason_code == "start" and e.actor_agency in codes
    )
    return decisions, reasons, requests, glass


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(event, max_size=12))
def test_dashboard_counts_equal_counts_read_straight_from_the_ledger(partnership, history):
    p, agencies, outsider = partnership
    _play(history, agencies, outsider)
    decisions, reasons, requests, glass = _expected(agencies)
    period = _today()
    names = {a.name: a.code for a in agencies}

    panel = shares_and_withholds(partnership_id=p.pk, period=period)
    got: dict[Any, Any] = {names[r[0]]: (r[1], r[2]) for r in panel.rows}
    want: dict[Any, Any] = {
        a.code: (decisions[(a.code, "share")], decisions[(a.code, "withhold")])
        for a in agencies
        if decisions[(a.code, "share")] or decisions[(a.code, "withhold")]
    }
    assert got == want

    labels = dict(WithholdReason.choices)
    panel = withholds_by_reason(partnership_id=p.pk, period=period)
    assert {r[0]: r[1] for r in panel.rows} == {
        labels.get(code, "No reason recorded"): n for code, n in reasons.items()
    }

    panel = request_response_times(partnership_id=p.pk, period=period)
    got = {names[r[0]]: (int(r[1]) + int(r[2]) + int(r[3]), r[4]) for r in panel.rows}
    want = {
        a.code: (requests[(a.code, "answered")], requests[(a.code, "not")])
        for a in agencies
        if requests[(a.code, "answered")] or requests[(a.code, "not")]
    }
    assert got == want

    panel = break_glass_use(partnership_id=p.pk, period=period)
    got = {names[r[0]]: tuple(r[1:]) for r in panel.rows}
    want = {
        a.code: (
            glass[(a.code, "appropriate")],
            glass[(a.code, "not_appropriate")],
            glass[(a.code, "pending")],
        )
        for a in agencies
        if any(glass[(a.code, k)] for k in ("appropriate", "not_appropriate", "pending"))
    }
    assert got == want

    # and the chart draws exactly the table's figures
    for panel in (shares_and_withholds(partnership_id=p.pk, period=period),):
        chart = chart_for(panel)
        bars = {(b.label, b.series): b.value for b in chart.bars}
        table = {(r[0], c): r[i + 1] for r in panel.rows for i, c in enumerate(panel.series)}
        assert bars == table


def test_events_outside_the_period_are_not_counted(partnership):
    p, agencies, _ = partnership
    ledger_record(
        actor=Actor(id="user:1", agency=agencies[0].code),
        action="share",
        object_type="information_item",
        object_id=1,
    )
    last_year = timezone.localdate() - dt.timedelta(days=400)
    panel = shares_and_withholds(
        partnership_id=p.pk, period=Period(last_year, last_year + dt.timedelta(days=30))
    )
    assert panel.rows == []


def test_a_scrutineer_sees_counts_and_csv_but_never_a_person(partnership):
    _, agencies, _ = partnership
    scrutineer = PractitionerFactory(agency=agencies[0], roles=["board_scrutineer"])
    for n in range(3):
        ledger_record(
            actor=Actor(id="user:5", agency=agencies[1].code),
            action="withhold",
            object_type="information_item",
            object_id=4242 + n,
            reason_code="third_party",
            details={"person_id": "31337"},
        )
    client = Client()
    client.force_login(scrutineer)
    page = client.get("/governance/scrutiny/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Third-party information" in html
    assert "31337" not in html
    assert "4242" not in html
    csv = client.get("/governance/scrutiny/shares.csv").content.decode()
    assert csv.splitlines() == ["Agency,Shared,Withheld", "Scrutiny agency 1,0,3"]
    assert LedgerEvent.objects.filter(object_type="scrutiny_dashboard", action="export").exists()


def test_only_scrutineers_and_ig_leads_see_the_dashboard(partnership):
    _, agencies, _ = partnership
    client = Client()
    client.force_login(PractitionerFactory(agency=agencies[0], roles=["mash_manager"]))
    assert client.get("/governance/scrutiny/").status_code == 404
    assert client.get("/governance/scrutiny/shares.csv").status_code == 404
