"""The states of requests and drafts, and the decisions that move a draft out of pending.

Changed only by the store and the workflow graph; everything else reads them.
"""

from __future__ import annotations

import enum


class RequestStatus(enum.StrEnum):
    received = "received"
    drafting = "drafting"
    awaiting_review = "awaiting_review"
    approved = "approved"
    rejected = "rejected"
    expired = "expired"
    failed = "failed"
    refused = "refused"
    """The content guard stopped the request or its draft; nothing went to an approver."""
    withdrawn = "withdrawn"
    """The requester took the request back (they wanted an answer, not a draft)."""


class DraftStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    changes_requested = "changes_requested"
    rejected = "rejected"
    expired = "expired"
    withdrawn = "withdrawn"


class Action(enum.StrEnum):
    approve = "approve"
    edit = "edit"
    changes = "changes"
    reject = "reject"
    expire = "expire"
    withdraw = "withdraw"
    """The requester's, never an approver's."""


DECIDED_STATUS = {
    Action.approve: DraftStatus.approved,
    Action.edit: DraftStatus.approved,
    Action.changes: DraftStatus.changes_requested,
    Action.reject: DraftStatus.rejected,
    Action.expire: DraftStatus.expired,
    Action.withdraw: DraftStatus.withdrawn,
}
UNFINISHED = (RequestStatus.received, RequestStatus.drafting)
CLOSED_OUTCOME = {
    Action.reject: RequestStatus.rejected,
    Action.expire: RequestStatus.expired,
    Action.withdraw: RequestStatus.withdrawn,
}
"""What a request becomes when its draft is closed without approval."""
