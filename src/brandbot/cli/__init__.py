"""The `brandbot` command line."""
