"""Judge a source's health after each of its runs and raise the alarm where it has shifted.

The scheduler calls ``after_run`` when a run ends; ``newsarchive health`` calls ``check`` for
every source. Both read the run history and apply one ``Rule`` (``pipeline.health.alerts``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline.health.alerts import Alert, Rule, evaluate
from pipeline.health.measures import RunHealth
from pipeline.health.store import HealthStore
from pipeline.schedule.runs import state_db_path

log = logging.getLogger("pipeline.health")


@dataclass(frozen=True)
class SourceHealth:
    source: str
    runs: list[RunHealth]  # oldest first
    alerts: list[Alert]


def check(
    data_dir: Path, source: str | None = None, rule: Rule | None = None
) -> list[SourceHealth]:
    """The recent runs and current alerts of ``source`` (default: every source with runs)."""
    rule = rule or Rule.from_settings()
    store = HealthStore(state_db_path(data_dir))
    names = [source] if source else store.sources()
    out = []
    for name in names:
        runs = store.recent(name, rule.history)
        out.append(SourceHealth(name, runs, evaluate(runs, rule)))
    return out


def after_run(data_dir: Path, source: str, run_dir: str | None) -> list[Alert]:
    """Alerts of the run of ``source`` that left ``run_dir``: logged, and posted if configured.

    Nothing is judged when that run recorded no health (it failed before its end): the latest
    row would be an older run's, already judged when it ended.
    """
    from pipeline import settings

    [state] = check(data_dir, source)
    if not state.runs or not run_dir or state.runs[-1].run_dir != run_dir or not state.alerts:
        return []
    from pipeline.exceptions import WebhookRefused
    from pipeline.health.notify import alert_body, log_alerts, post_webhook

    log_alerts(state.alerts)
    url = str(settings.NEWSARCHIVE_HEALTH_WEBHOOK_URL)
    if url:
        try:
            post_webhook(
                url,
                alert_body(source, state.alerts),
                str(settings.NEWSARCHIVE_ALLOWED_NETWORKS),
            )
        except WebhookRefused as exc:
            log.error("health alert of %s not delivered: %s", source, exc)
    return state.alerts
