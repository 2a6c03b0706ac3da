"""Prometheus metrics, served at /metrics on the internal port of `brandbot serve`. Each replica exposes its own."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("brandbot_requests_total", "Draft requests, by entry point and outcome.", ["entry", "outcome"])
DRAFTS = Counter("brandbot_drafts_total", "Draft versions sent for review.")
DECISIONS = Counter("brandbot_decisions_total", "Decisions on drafts, by action.", ["action"])
TIME_TO_DRAFT = Histogram(
    "brandbot_time_to_draft_seconds",
    "From a request (or a request for changes) to the draft it produced.",
    buckets=(1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600),
)
TIME_TO_DECISION = Histogram(
    "brandbot_time_to_decision_seconds",
    "From a draft to the decision on it.",
    buckets=(60, 300, 900, 3600, 4 * 3600, 24 * 3600, 72 * 3600),
)
LLM_LATENCY = Histogram(
    "brandbot_llm_request_seconds",
    "One call to the LLM server, retries included.",
    ["kind"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80),
)
LLM_IN_FLIGHT = Gauge(
    "brandbot_llm_requests_in_flight",
    "Calls this process has at the LLM server now (at most BRANDBOT_LLM_MAX_IN_FLIGHT).",
)
LLM_ERRORS = Counter("brandbot_llm_errors_total", "LLM calls that failed, by reason.", ["reason"])
SLACK_ERRORS = Counter("brandbot_slack_api_errors_total", "Slack Web API calls that failed, by method.", ["method"])
SLACK_RATE_LIMITED = Counter("brandbot_slack_rate_limited_total", "Slack Web API answers with HTTP 429.")
DOCUMENTS_INGESTED = Counter("brandbot_documents_ingested_total", "Guideline files ingested, by outcome.", ["outcome"])
WORK_RUNNING = Gauge("brandbot_work_running", "Work rows this process runs now, by pool.", ["pool"])
