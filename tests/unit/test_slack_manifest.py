"""manifest.yml grants what the code listens to and calls; a new listener or API call must be added there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from slack_bolt import Assistant

from brandbot.slack import listeners
from brandbot.slack.deps import SlackDeps
from tests.conftest import REPO

MANIFEST = yaml.safe_load((REPO / "manifest.yml").read_text())
SLACK_SOURCE = REPO / "src" / "brandbot" / "slack"

SCOPES_FOR_METHOD = {
    "chat.postMessage": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.delete": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "chat.getPermalink": set(),
    "views.open": set(),
    "views.publish": set(),
    "conversations.open": {"im:write"},
    "conversations.history": {"channels:history", "groups:history"},
    "conversations.replies": {"channels:history", "groups:history", "im:history"},
    "usergroups.users.list": {"usergroups:read"},
    "assistant.threads.setStatus": {"assistant:write"},
    "assistant.threads.setTitle": {"assistant:write"},
    "assistant.threads.setSuggestedPrompts": {"assistant:write"},
    "files.upload.v2": {"files:write"},  # slack_sdk's files.getUploadURLExternal + completeUploadExternal
    "files.info": {"files:read"},
    "files.delete": {"files:write"},
}
"""From Slack's method reference; a method missing here fails the test until someone looks it up."""
SCOPES_FOR_EVENT = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "app_home_opened": set(),
    "assistant_thread_started": {"assistant:write"},
    "assistant_thread_context_changed": {"assistant:write"},
}
ASSISTANT_CALLS = {"assistant.threads.setTitle", "assistant.threads.setSuggestedPrompts"}
"""Made through Bolt's assistant utilities (`set_title`, `set_suggested_prompts`), which the scan can't see."""
MESSAGE_EVENTS = {"message.im", "message.channels", "message.groups"}
"""A `message` listener hears DMs (requests) and channel threads (follow-ups)."""


class Recorder:
    """Stands in for the Bolt App during registration only, to list what the code listens to."""

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.commands: set[str] = set()
        self.actions: set[str] = set()
        self.views: set[str] = set()
        self.message_shortcuts: set[str] = set()
        self.panel: Assistant | None = None

    def _catch(self, kind: set[str], name: str) -> Any:
        kind.add(name)
        return lambda *args, **kwargs: None

    def event(self, name: str, matchers: Any = None) -> Any:
        return self._catch(self.events, name)

    def command(self, name: str, matchers: Any = None) -> Any:
        return self._catch(self.commands, name)

    def action(self, name: str) -> Any:
        return self._catch(self.actions, name)

    def view(self, name: str) -> Any:
        return self._catch(self.views, name)

    def message_shortcut(self, name: str) -> Any:
        return self._catch(self.message_shortcuts, name)

    def assistant(self, assistant: Assistant) -> None:
        """Bolt's assistant middleware listens to its thread events and to DMs in threads."""
        self.panel = assistant
        if assistant._thread_started_listeners:
            self.events.add("assistant_thread_started")
        if assistant._thread_context_changed_listeners:
            self.events.add("assistant_thread_context_changed")
        if assistant._user_message_listeners:
            self.events.add("message")


def registered() -> Recorder:
    recorder = Recorder()
    listeners.register(recorder, SlackDeps(None, None, None))  # type: ignore[arg-type]
    return recorder


def api_methods() -> set[str]:
    calls: set[str] = set()
    for path in SLACK_SOURCE.rglob("*.py"):
        # Web API calls; the Socket Mode client's own methods (`socket.client.session_id()`) are not.
        for name in re.findall(r"(?<!socket\.)client\.([a-z]+(?:_[a-zA-Z0-9]+)+)\(", path.read_text()):
            parts = name.split("_")
            calls.add(".".join([parts[0], *parts[1:-1], parts[-1]]) if len(parts) > 2 else ".".join(parts))
    return calls


def test_every_event_the_code_listens_to_is_subscribed() -> None:
    subscribed = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    for event in registered().events:
        wanted = MESSAGE_EVENTS if event == "message" else {event}
        assert wanted <= subscribed, f"{wanted - subscribed} handled but not subscribed in manifest.yml"


def test_the_assistant_panel_is_declared_and_its_events_handled() -> None:
    recorder = registered()
    assert recorder.panel is not None and "assistant_view" in MANIFEST["features"]
    assert {"assistant_thread_started", "assistant_thread_context_changed"} <= recorder.events


def test_every_command_is_declared() -> None:
    declared = {command["command"] for command in MANIFEST["features"]["slash_commands"]}
    assert registered().commands <= declared


def test_every_message_shortcut_is_declared() -> None:
    declared = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", []) if s["type"] == "message"}
    assert registered().message_shortcuts
    assert registered().message_shortcuts <= declared


def test_buttons_and_modals_need_interactivity_and_app_home_is_on() -> None:
    recorder = registered()
    assert recorder.actions and recorder.views
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True


def test_every_scope_the_code_needs_is_granted() -> None:
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "files:read"}
    for method in api_methods() | ASSISTANT_CALLS:
        assert method in SCOPES_FOR_METHOD, f"the code calls {method}: add its scopes to SCOPES_FOR_METHOD"
        needed |= SCOPES_FOR_METHOD[method]
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        needed |= SCOPES_FOR_EVENT[event]
    assert needed <= granted, f"missing scopes: {sorted(needed - granted)}"


def test_the_method_scan_sees_the_calls() -> None:
    assert {
        "chat.postMessage",
        "views.open",
        "assistant.threads.setStatus",
        "usergroups.users.list",
        "files.upload.v2",
    } <= api_methods()


def test_manifest_paths_match_the_server() -> None:
    from brandbot.slack.server import EVENTS_PATH

    urls = [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
    ]
    urls += [command["url"] for command in MANIFEST["features"]["slash_commands"]]
    assert all(Path(url.split("://", 1)[1]).as_posix().endswith(EVENTS_PATH) for url in urls)
