"""The deterministic fix: each alert that offers one (a substitution, or a rule's `action`)
replaced by its first fix."""

from __future__ import annotations

from brandbot.rules.alert import Alert


def apply_fixes(text: str, alerts: list[Alert]) -> str:
    """Replace each fixable hit with its first fix, keeping a capital first letter
    ("Cheap" -> "Affordable"). Where hits overlap the earlier one wins; hits are applied right to
    left so offsets stay valid, and an alert whose match isn't at its offset (from another
    text) is skipped. An empty suggestion removes the word and one space beside it, and passes
    a capital on to the next word."""
    chosen: list[Alert] = []
    for alert in sorted((a for a in alerts if a.replacements), key=lambda a: a.offset):
        start, end = alert.offset
        if text[start:end] != alert.match or (chosen and start < chosen[-1].offset[1]):
            continue
        chosen.append(alert)
    for alert in reversed(chosen):
        start, end = alert.offset
        replacement = _keep_case(alert.match, alert.replacements[0])
        if not replacement:
            if text[end : end + 1] == " ":
                end += 1
            elif text[start - 1 : start] == " ":
                start -= 1
            if alert.match[:1].isupper():  # "Simply restore it." -> "Restore it."
                text = text[:end] + text[end : end + 1].upper() + text[end + 1 :]
        text = text[:start] + replacement + text[end:]
    return text


def _keep_case(observed: str, replacement: str) -> str:
    if observed[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
