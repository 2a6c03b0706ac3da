"""The brand report in approvers' and admins' App Home: the last 30 days' figures and their chart.

Worked out, drawn and uploaded at most once an hour per replica, then reused: opening App Home
costs no upload. Runs in App Home's lazy listener, after Slack has its answer. The chart is
uploaded to no channel (only the bot holds it; Slack shows it in the bot's own views) and the
one it replaces is deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from brandbot.reporting import figures, history
from brandbot.reporting.figures import Report
from brandbot.slack.deps import SlackDeps
from brandbot.store.models import utcnow

log = logging.getLogger(__name__)
PERIOD = timedelta(days=30)
REFRESH_S = 3600.0
READY_WAIT_S = 10.0
"""Slack processes an upload before an image block may show it; how long to wait for that."""
FILENAME = "brand-report.png"


@dataclass(frozen=True)
class HomeReport:
    report: Report
    made_at: datetime
    chart_file: str | None
    """The uploaded chart's Slack file id; None when it could not be drawn or uploaded."""


class HourlyReport:
    """Holds the current HomeReport; `current` makes a new one once the last is REFRESH_S old."""

    def __init__(self, deps: SlackDeps, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._deps = deps
        self._clock = clock
        self._made: tuple[float, HomeReport] | None = None
        self._lock = threading.Lock()
        """Held while one is made, so approvers opening App Home together upload once."""

    def current(self) -> HomeReport:
        with self._lock:
            if self._made is not None and self._clock() - self._made[0] < REFRESH_S:
                return self._made[1]
            previous = self._made[1].chart_file if self._made else None
            made = self._make()
            self._made = (self._clock(), made)
        if previous and previous != made.chart_file:
            self._delete(previous)
        return made

    def _make(self) -> HomeReport:
        now = utcnow()
        since = now - PERIOD
        report = figures.report(history.load(self._deps.services.db, since, now), since, now)
        return HomeReport(report, now, self._upload(report))

    def _upload(self, report: Report) -> str | None:
        """The chart's file id, once Slack has processed it (or waiting is over); None on failure,
        logged: App Home then shows the figures alone until the next refresh."""
        from brandbot.reporting import chart, display

        try:
            png = chart.render(report)
            uploaded = self._deps.client.files_upload_v2(
                content=png,
                filename=FILENAME,
                title=f"Brand report, {display.period(report.since, report.until)}",
                alt_txt=display.CHART_DESCRIPTION,
            )
        except SlackApiError as error:
            log.error("could not upload the brand report chart: Slack said %s", error.response.get("error"))
            return None
        except Exception:
            log.exception("could not draw or upload the brand report chart")
            return None
        file_id = str(uploaded["file"]["id"])
        self._wait_until_processed(file_id)
        return file_id

    def _wait_until_processed(self, file_id: str) -> None:
        """Slack fills in a file's mimetype once it has processed the upload; until then an image
        block naming it is refused (App Home then publishes without the chart)."""
        deadline = time.monotonic() + READY_WAIT_S
        while True:
            try:
                info = self._deps.client.files_info(file=file_id)
            except SlackApiError as error:
                log.warning("files.info on the report chart failed: %s", error.response.get("error"))
                return
            if info["file"].get("mimetype") or time.monotonic() >= deadline:
                return
            time.sleep(0.2)

    def _delete(self, file_id: str) -> None:
        try:
            self._deps.client.files_delete(file=file_id)
        except SlackApiError as error:
            log.warning("could not delete the replaced report chart %s: %s", file_id, error.response.get("error"))
