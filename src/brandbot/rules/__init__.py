"""The brand-rules engine: a Vale-compatible prose linter for drafts.

rules = load_styles(path)                       # RuleLoadError: one line, file + key + reason
report = rules.run(draft, DraftContext(format="x_post", promotional=True))  # .alerts, .failures
alerts = report.alerts
fixed = apply_fixes(draft, alerts)
print(summarize(alerts))                        # 1 error, 2 warnings and 0 suggestions
"""

from __future__ import annotations

from brandbot.rules.alert import Action, Alert, Level, Summary, summarize
from brandbot.rules.context import DraftContext
from brandbot.rules.errors import RuleLoadError
from brandbot.rules.fix import apply_fixes
from brandbot.rules.loader import load_styles
from brandbot.rules.ruleset import Report, RuleFailure, RuleInfo, RuleSet

__all__ = [
    "Action",
    "Alert",
    "DraftContext",
    "Level",
    "Report",
    "RuleFailure",
    "RuleInfo",
    "RuleLoadError",
    "RuleSet",
    "Summary",
    "apply_fixes",
    "load_styles",
    "summarize",
]
