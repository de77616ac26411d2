"""The regex prefilter only skips texts a regex cannot match."""

from __future__ import annotations

import re

import pytest

from audit.lexicon import load_packs
from audit.regexfilter import required_literals


@pytest.mark.parametrize(("rx", "needs"), [
    (r"\{\{\s*\w+\s*\}\}", ("{{",)),
    (r"\b(?:[Hh]i|Hello)\s+,", ("hello", "hi")),
    (r"(?i)\b\d+%off\b", ("%off",)),
    (r"\d+", None),
])
def test_required_literals(rx: str, needs: tuple[str, ...] | None) -> None:
    assert required_literals(re.compile(rx)) == needs


def test_never_skips_a_text_a_pack_regex_matches() -> None:
    samples = [
        "Hi {{first_name}}, your cart misses you.", "Hey *|FNAME|*!", "Dear ,", "Hi %FIRSTNAME%",
        "Only 02:14:59 left", "It's raining in Leeds", "Use code SAVE20 at checkout",
        "Take an extra 30%off", "Hi [First Name], welcome", "3 people in Leeds just bought this",
    ]
    for pack in load_packs():
        for group in pack.cues:
            for source in group.regex:
                rx = re.compile(source)
                needs = required_literals(rx)
                for text in samples:
                    if rx.search(text) and needs is not None:
                        assert any(lit in text.lower() for lit in needs), (source, text)
