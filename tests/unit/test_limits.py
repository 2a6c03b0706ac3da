"""One wording for a length refusal, whichever entry refuses."""

from __future__ import annotations

from brandbot.workflow.limits import too_long


def test_text_at_the_limit_fits_and_one_more_is_refused_with_both_numbers() -> None:
    assert too_long("x" * 4000, 4000, "request") is None
    assert too_long("x" * 4001, 4000, "request") == "The request is 4,001 characters long; the limit is 4,000."
