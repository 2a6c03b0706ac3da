"""The Slack layer: the only package that knows Slack. It drives the workflow; nothing below imports it."""
