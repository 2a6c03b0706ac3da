"""The rule types, one module each, as in Vale's internal/check: adding a type is one new module
and one line here."""

from __future__ import annotations

from brandbot.rules.checks.base import CheckType
from brandbot.rules.checks.capitalization import CAPITALIZATION
from brandbot.rules.checks.conditional import CONDITIONAL
from brandbot.rules.checks.consistency import CONSISTENCY
from brandbot.rules.checks.existence import EXISTENCE
from brandbot.rules.checks.metric import METRIC
from brandbot.rules.checks.occurrence import OCCURRENCE
from brandbot.rules.checks.readability import READABILITY
from brandbot.rules.checks.repetition import REPETITION
from brandbot.rules.checks.substitution import SUBSTITUTION

CHECK_TYPES: dict[str, CheckType] = {
    "existence": EXISTENCE,
    "substitution": SUBSTITUTION,
    "occurrence": OCCURRENCE,
    "repetition": REPETITION,
    "consistency": CONSISTENCY,
    "conditional": CONDITIONAL,
    "capitalization": CAPITALIZATION,
    "readability": READABILITY,
    "metric": METRIC,
}
UNSUPPORTED_TYPES = frozenset({"spelling", "sequence", "script"})
"""Vale types this engine does not run: refused at load time rather than skipped."""
