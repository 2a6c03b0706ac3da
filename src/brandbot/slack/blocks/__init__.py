"""Block Kit builders: pure functions from brandbot's data to Slack payloads, tested without Slack."""
