"""The brand rules' lifecycle around the linter in `brandbot.rules`: the installed rule library and
its versions, rules learned from reviewers' changes (mined, back-tested, proposed, adopted). It
may use the store; the linter itself never does."""
