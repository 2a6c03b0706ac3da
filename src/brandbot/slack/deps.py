"""What every Slack listener and worker shares."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk import WebClient

from brandbot.services import Services
from brandbot.slack.directory import Directory
from brandbot.workers import Wakeups


@dataclass(frozen=True)
class SlackDeps:
    services: Services
    directory: Directory
    client: WebClient
    wake: Wakeups = field(default_factory=Wakeups)
    """This replica's pools, which wait between looks at the queues."""
    news: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(8, thread_name_prefix="news"))
    """Sends requesters' progress news, so that no drafting thread waits on Slack."""

    def nudge(self) -> None:
        """After a listener queued work: this replica's idle workers look at once."""
        self.wake.all()
