"""The checks every draft must pass before review: it says something, and it fits its format."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from brandbot.formats import Format


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    level: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def check_draft(text: str, fmt: Format) -> list[CheckResult]:
    stripped = text.strip()
    results = [
        CheckResult(
            "non_empty",
            bool(stripped),
            "error",
            "The draft has text." if stripped else "The draft is empty.",
        )
    ]
    length = len(stripped)
    results.append(
        CheckResult(
            "length",
            length <= fmt.max_chars,
            "error",
            f"{length} of at most {fmt.max_chars} characters for a {fmt.label}.",
        )
    )
    return results
