"""Bad rule files are refused at load time, in one line naming the file, the key and the reason;
one bad file fails the whole styles directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandbot.rules import RuleLoadError, load_styles
from tests.unit.rules.support import WriteStyles

GOOD = "extends: existence\nmessage: '%s'\ntokens: [cheap]\n"


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ("extends: existence\nmessage: x\ntokenz: [a]\n", "Brand/Bad.yml: key 'tokenz': unknown key for existence"),
        (
            "extends: existence\nmessage: x\ntokens: ['cheap(']\n",
            "Brand/Bad.yml: key 'tokens': bad regex 'cheap(': missing )",
        ),
        ("extends: existance\nmessage: x\n", "Brand/Bad.yml: key 'extends': unknown rule type 'existance'"),
        ("extends: spelling\nmessage: x\n", "Brand/Bad.yml: key 'extends': 'spelling' rules are not supported"),
        ("message: x\ntokens: [a]\n", "Brand/Bad.yml: key 'extends': required but missing"),
        ("extends: existence\ntokens: [a]\n", "Brand/Bad.yml: key 'message': required but missing"),
        ("extends: existence\nmessage: x\n", "Brand/Bad.yml: key 'tokens': existence needs 'tokens' or 'raw'"),
        (
            "extends: existence\nmessage: x\ntokens: [a]\nignorecase: maybe\n",
            "key 'ignorecase': expected true or false",
        ),
        (
            "extends: existence\nmessage: x\ntokens: a\nlevel: fatal\n",
            "key 'level': expected suggestion, warning or error",
        ),
        ("extends: existence\nmessage: x\ntokens: [a]\nscope: footer\n", "key 'scope': unknown scope 'footer'"),
        ("extends: occurrence\nmessage: x\ntoken: '!'\nmax: -1\n", "key 'max': expected a whole number of 0 or more"),
        ("extends: occurrence\nmessage: x\ntoken: '!'\n", "key 'max': occurrence needs 'min' or 'max' above 0"),
        ("extends: substitution\nmessage: x\nswap: [a, b]\n", "key 'swap': expected a mapping of text to text"),
        ("extends: substitution\nmessage: x\nswap:\n  'a[b': c\n", "key 'swap': bad regex 'a[b'"),
        ("extends: readability\nmessage: x\ngrade: 8\nmetrics: [Flesch]\n", "key 'metrics': unknown metric 'Flesch'"),
        (
            "extends: readability\nmessage: x\nmetrics: [SMOG]\nscope: heading\n",
            "key 'scope': unknown key for readability",
        ),
        ("extends: capitalization\nmessage: x\nmatch: $title\nstyle: MLA\n", "key 'style': expected AP or Chicago"),
        (
            "extends: existence\nmessage: x\ntokens: [a]\naction: {name: fix}\n",
            "key 'action.name': expected one of suggest, replace, remove, edit, convert",
        ),
        (
            "extends: existence\nmessage: x\ntokens: [a]\ntokens: [b]\n",
            "Brand/Bad.yml: not valid YAML: line 4: key 'tokens' is given twice",
        ),
        ("extends: existence\nmessage: [x\n", "Brand/Bad.yml: not valid YAML: line 3"),
        ("- extends: existence\n", "Brand/Bad.yml: expected a mapping of keys, found a list"),
    ],
)
def test_refused_with_file_key_and_reason(styles: WriteStyles, rule: str, error: str) -> None:
    root = styles({"Brand/Good.yml": GOOD, "Brand/Bad.yml": rule})
    with pytest.raises(RuleLoadError) as raised:
        load_styles(root)
    message = str(raised.value)
    assert error in message and "\n" not in message


def test_a_bad_vocabulary_line_names_the_file_and_line(styles: WriteStyles) -> None:
    root = styles({"Brand/Good.yml": GOOD}, vocab={"Vocab/Brand/accept.txt": "Tidewell\n[Bad\n"})
    with pytest.raises(RuleLoadError, match=r"^Vocab/Brand/accept.txt: line 2: bad regex '\[Bad'"):
        load_styles(root)


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match="not a styles directory"):
        load_styles(tmp_path / "missing")
