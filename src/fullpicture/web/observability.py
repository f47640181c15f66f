"""Seeing it run (issue #18): readiness, Prometheus metrics, request timing.

* ``/healthz``: liveness (the process answers).
* ``/readyz``: readiness: the database answers, a task worker beat its heartbeat within
  ``FULLPICTURE_WORKER_STALE_SECONDS`` (default 60; not asked when tasks run at once, as in
  the tests), and the ledger's head can be read. 200 when all hold, else 503; the body
  names each check (no personal data). It writes nothing.
* ``/metrics``: Prometheus text format: requests and their latency (per process, by
  method, status and route name: never paths, which carry ids), the task queue by
  status, the worker heartbeat's age, the ledger head sequence. Served with
  ``Authorization: Bearer <FULLPICTURE_METRICS_TOKEN>`` when that setting is set, else
  only to the loopback address.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from fullpicture.audit.selectors import ledger_head
from fullpicture.core.timings import timings_read
from fullpicture.web.models import WorkerHeartbeat

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
_lock = threading.Lock()
_requests: dict[tuple[str, str, str], int] = defaultdict(int)
_latency: dict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
_latency_sum: dict[str, float] = defaultdict(float)


class RequestMetricsMiddleware:
    """Counts requests and their latency by method, status and route name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        route = (match.view_name if match else "") or "unmatched"
        with _lock:
            _requests[(request.method or "", str(response.status_code), route)] += 1
            counts = _latency[route]
            for i, bound in enumerate(BUCKETS):
                if elapsed <= bound:
                    counts[i] += 1
            counts[-1] += 1
            _latency_sum[route] += elapsed
        return response


def _worker_age() -> float | None:
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    return None if latest is None else (timezone.now() - latest).total_seconds()


def _queue_uses_worker() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unreachable"
        return JsonResponse({"ready": False, "checks": checks}, status=503)
    if _queue_uses_worker():
        age = _worker_age()
        stale = float(getattr(settings, "FULLPICTURE_WORKER_STALE_SECONDS", 60))
        checks["worker"] = "ok" if age is not None and age <= stale else "no recent heartbeat"
    else:
        checks["worker"] = "not needed (tasks run at once)"
    try:
        checks["ledger_head"] = ledger_head()[0]
        checks["ledger"] = "ok"
    except DatabaseError:
        checks["ledger"] = "unreadable"
    ready = checks["worker"] != "no recent heartbeat" and checks["ledger"] == "ok"
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


def _allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "FULLPICTURE_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), str(token).encode())
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def metrics_text() -> str:
    lines = [
        "# HELP fullpicture_http_requests_total Requests answered by this process.",
        "# TYPE fullpicture_http_requests_total counter",
    ]
    with _lock:
        requests = dict(_requests)
        latency = {k: list(v) for k, v in _latency.items()}
        sums = dict(_latency_sum)
    for (method, status, route), count in sorted(requests.items()):
        lines.append(
            f'fullpicture_http_requests_total{{method="{_label(method)}",status="{status}",'
            f'route="{_label(route)}"}} {count}'
        )
    lines += [
        "# HELP fullpicture_http_request_duration_seconds Time to answer, by route.",
        "# TYPE fullpicture_http_request_duration_seconds histogram",
    ]
    for route, counts in sorted(latency.items()):
        name = _label(route)
        for bound, count in zip(BUCKETS, counts, strict=False):
            lines.append(
                f'fullpicture_http_request_duration_seconds_bucket{{route="{name}",le="{bound}"}}'
                f" {count}"
            )
        lines.append(
            f'fullpicture_http_request_duration_seconds_bucket{{route="{name}",le="+Inf"}} '
            f"{counts[-1]}"
        )
        lines.append(
            f'fullpicture_http_request_duration_seconds_sum{{route="{name}"}} {sums[route]}'
        )
        lines.append(
            f'fullpicture_http_request_duration_seconds_count{{route="{name}"}} {counts[-1]}'
        )
    lines += [
        "# HELP fullpicture_task_queue Background tasks by status.",
        "# TYPE fullpicture_task_queue gauge",
    ]
    for status, count in sorted(_task_counts().items()):
        lines.append(f'fullpicture_task_queue{{status="{_label(status)}"}} {count}')
    lines += [
        "# HELP fullpicture_operation_last_duration_seconds How long the last run took.",
        "# TYPE fullpicture_operation_last_duration_seconds gauge",
        "# HELP fullpicture_operation_last_finished_seconds When the last run finished.",
        "# TYPE fullpicture_operation_last_finished_seconds gauge",
    ]
    for operation, timing in sorted(timings_read().items()):
        series = f'{{operation="{operation}",ok="{str(bool(timing.get("ok"))).lower()}"}}'
        lines.append(f"fullpicture_operation_last_duration_seconds{series} {timing['seconds']}")
        lines.append(f"fullpicture_operation_last_finished_seconds{series} {timing['finished_at']}")
    age = _worker_age()
    lines += [
        "# HELP fullpicture_worker_heartbeat_age_seconds Seconds since a worker last beat.",
        "# TYPE fullpicture_worker_heartbeat_age_seconds gauge",
        f"fullpicture_worker_heartbeat_age_seconds {age if age is not None else 'NaN'}",
        "# HELP fullpicture_ledger_head_seq The ledger head's sequence number.",
        "# TYPE fullpicture_ledger_head_seq gauge",
        f"fullpicture_ledger_head_seq {ledger_head()[0]}",
    ]
    return "\n".join(lines) + "\n"


def _task_counts() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    return {
        str(row["status"]): int(row["n"])
        for row in DBTaskResult.objects.values("status").annotate(n=Count("id"))
    }


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("Not found", status=404, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")
