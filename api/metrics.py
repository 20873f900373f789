"""Prometheus metrics: request counts and latencies per route, plus open work from the database.

Each app has its own registry (tests build many apps in one process). Under gunicorn with several
workers set PROMETHEUS_MULTIPROC_DIR so that the workers' counters are summed.
"""
from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from engine import clock
from engine.storage.models import Case, HumanTask
from engine.vocabulary import TASK_OPEN

BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class OpenWorkCollector:
    """Open tasks and cases by status, read when Prometheus scrapes."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    def collect(self):
        tasks = GaugeMetricFamily("atensi_open_tasks", "Open human tasks", labels=["overdue"])
        cases = GaugeMetricFamily("atensi_cases", "Cases by status", labels=["status"])
        with self.session_factory() as session:
            late = session.scalar(select(func.count()).select_from(HumanTask).where(
                clock.overdue_condition(HumanTask.status, HumanTask.due_at))) or 0
            total = session.scalar(
                select(func.count()).select_from(HumanTask).where(HumanTask.status == TASK_OPEN)) or 0
            by_status = session.execute(select(Case.status, func.count()).group_by(Case.status)).all()
        tasks.add_metric(["true"], late)
        tasks.add_metric(["false"], total - late)
        for status, count in by_status:
            cases.add_metric([status], count)
        yield tasks
        yield cases


class Metrics:
    def __init__(self, session_factory):
        self.registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.MultiProcessCollector(self.registry)
            metric_registry = None  # counted in the shared directory
        else:
            metric_registry = self.registry
        self.requests = Counter("atensi_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=metric_registry)
        self.latency = Histogram("atensi_http_request_seconds", "HTTP request latency", ["method", "route"],
                                 buckets=BUCKETS, registry=metric_registry)
        self.registry.register(OpenWorkCollector(session_factory))

    def before(self) -> None:
        g.metrics_started = time.perf_counter()

    def after(self, response):
        started = g.pop("metrics_started", None)
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        self.requests.labels(request.method, route, str(response.status_code)).inc()
        if started is not None:
            self.latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response


def init_app(app: Flask, session_factory) -> Metrics:
    metrics = Metrics(session_factory)
    app.before_request(metrics.before)
    app.after_request(metrics.after)
    app.extensions["atensi.metrics"] = metrics
    return metrics
