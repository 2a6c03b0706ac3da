"""App Home: the person's recent requests, and for approvers the queue of drafts awaiting them."""

from __future__ import annotations

from slack_sdk import WebClient

from brandbot.slack.blocks.home import home_view
from brandbot.slack.deps import SlackDeps
from brandbot.slack.listeners.common import Handler, Payload
from brandbot.slack.notices import permalink
from brandbot.store.views import draft_view


def publish_home(deps: SlackDeps) -> Handler:
    def publish_home(event: Payload, client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        requests = deps.services.requests
        mine = [
            draft_view(requests, request, requests.latest_draft(request.id))
            for request in requests.list_requests(requester=user, limit=15)
        ]
        queue = None
        if deps.directory.is_approver(user):
            queue = []
            for draft in requests.pending_drafts()[:30]:
                request = requests.get_request(draft.request_id)
                if request is None or request.requester == user:
                    continue
                link = permalink(client, draft.card["channel"], draft.card["ts"]) if draft.card else None
                queue.append((draft_view(requests, request, draft), link))
        client.views_publish(user_id=user, view=home_view(mine, queue))

    return publish_home
