"""The board's scrutiny dashboard: charts, tables and CSV for a partnership and period.

Only board scrutineers and IG leads; anyone else gets the same 404 as a missing page.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fullpicture.audit.models import Action
from fullpicture.audit.services import ledger_record
from fullpicture.governance.scrutiny import Period, chart_for, dashboard, may_scrutinise
from fullpicture.partnerships.models import Partnership, Practitioner
from fullpicture.sharing.policy import Purpose


def _scrutineer(request: HttpRequest) -> Practitioner:
    user = request.user
    if not isinstance(user, Practitioner) or not may_scrutinise(viewer=user):
        raise Http404
    return user


def _period(request: HttpRequest) -> tuple[Period, list[tuple[str, str]]]:
    today = timezone.localdate()
    errors: list[tuple[str, str]] = []
    values: dict[str, dt.date] = {}
    defaults = {"from": today - dt.timedelta(days=365), "to": today}
    for name, default in defaults.items():
        raw = request.GET.get(name, "").strip()
        try:
            values[name] = dt.date.fromisoformat(raw) if raw else default
        except ValueError:
            errors.append((f"#{name}", f"Enter the '{name}' date as a real date"))
            values[name] = default
    if values["from"] > values["to"]:
        errors.append(("#from", "The 'from' date must be on or before the 'to' date"))
        values["from"] = values["to"]
    return Period(values["from"], values["to"]), errors


@require_GET
def scrutiny_page(request: HttpRequest) -> HttpResponse:
    viewer = _scrutineer(request)
    period, errors = _period(request)
    partnership_id = viewer.partnership_id or 0
    panels = dashboard(partnership_id=partnership_id, period=period)
    ledger_record(
        actor=viewer.actor,
        action=Action.VIEW,
        object_type="scrutiny_dashboard",
        object_id=partnership_id,
        purpose=Purpose.AUDIT,
        details={"from": period.start.isoformat(), "to": period.end.isoformat()},
    )
    return render(
        request,
        "governance/scrutiny.html",
        {
            "panels": [(p, chart_for(p)) for p in panels],
            "period": period,
            "errors": errors,
            "partnership": Partnership.objects.filter(pk=partnership_id).first(),
            "query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
        },
    )


@require_GET
def scrutiny_csv(request: HttpRequest, key: str) -> HttpResponse:
    viewer = _scrutineer(request)
    period, _ = _period(request)
    partnership_id = viewer.partnership_id or 0
    panel = next(
        (p for p in dashboard(partnership_id=partnership_id, period=period) if p.key == key), None
    )
    if panel is None:
        raise Http404
    ledger_record(
        actor=viewer.actor,
        action=Action.EXPORT,
        object_type="scrutiny_dashboard",
        object_id=partnership_id,
        purpose=Purpose.AUDIT,
        details={"panel": key, "from": period.start.isoformat(), "to": period.end.isoformat()},
    )
    response = HttpResponse(panel.csv_text(), content_type="text/csv; charset=utf-8")
    name = f"scrutiny-{key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
