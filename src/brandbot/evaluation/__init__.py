"""Measuring what users feel: retrieval against golden sets, drafts against the rules and formats."""
