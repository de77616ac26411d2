"""Token patterns compiled to stream regexes must find what spaCy's Matcher finds.

The engine runs most pack patterns as regexes over an encoded token stream (tokenpatterns) and
only the rest with spaCy's Matcher; these tests hold the two paths to the same hits, on our
labelled copy and on texts made to reach the corners (optional and repeated tokens, NOT_IN,
flags, sentence starts, REGEX values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.matcher import Matcher

import audit.analyze.matching as matching
from audit import Engine, load_packs
from audit.analyze.tokenpatterns import DocArrays, TokenStream, compile_pattern

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    data = yaml.safe_load((ROOT / "eval" / "labelled.yaml").read_text(encoding="utf-8"))
    texts = [p["text"] for p in data["pieces"]]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*"))
              if p.suffix in (".md", ".txt")]
    return texts


@pytest.fixture(scope="module")
def docs(engine: Engine) -> list[Any]:
    return [doc for doc, _ in engine.pipeline.pipe([(t, None) for t in _texts()])]


def test_every_default_pattern_but_a_few_compiles() -> None:
    patterns = [p for pack in load_packs(None) for g in pack.cues for p in g.patterns]
    compiled = [p for p in patterns if compile_pattern(list(p)) is not None]
    assert len(patterns) > 150
    assert len(compiled) >= 0.9 * len(patterns)


def test_compiled_patterns_find_what_the_matcher_finds(engine: Engine, docs: list[Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole cue matcher, once as shipped and once with every token pattern left to spaCy's
    Matcher: the same hits in every labelled piece and example."""
    nlp = engine.pipeline.nlp
    fast = matching.CueMatcher(nlp, engine.personas)
    monkeypatch.setattr(matching, "compile_pattern", lambda pattern: None)
    plain = matching.CueMatcher(nlp, engine.personas)
    assert not any(s.compiled for s in plain._literal.values())
    found = 0
    for doc in docs:
        expected = plain.find(doc)
        assert fast.find(doc) == expected, doc.text[:200]
        found += len(expected)
    assert found > 500


CORNERS = """\
Sign off on the budget. We signed-off on nothing, and sign it off tomorrow?
NET 30 terms, net-60 invoices and Net 90 payment. 1,200 seats at $49 per seat per month.
You are literally the only one. We noticed you viewed the pricing page twice today!
Only 3 left in stock. 12 people are looking at this right now. Hurry up, only 2 left.
Request a demo. Requested demos. Book a call with our sales team. Talk to sales, or talk with sales.
Dear {{first_name}}, as a busy mom you deserve this. As a young man, you need it.
THE SSO and SAML add-on. Single sign-on for the entire org. SOC 2 Type II.
Plans start at £9.50 a month, or 12$/mo, 9,99€/mth and $120 per year; $4.5.6 per month is no price.
"""

EXTRA_PATTERNS: list[list[dict[str, Any]]] = [
    [{"LOWER": "only"}, {"LIKE_NUM": True}, {"LOWER": "left"}],
    [{"LOWER": {"IN": ["sign", "signed"]}}, {"ORTH": "-", "OP": "?"}, {"LOWER": "off"}],
    [{"LEMMA": "sign"}, {"OP": "*", "IS_PUNCT": False}, {"LOWER": "off"}],
    [{"LOWER": "net"}, {"ORTH": "-", "OP": "?"}, {"LIKE_NUM": True}],
    [{"IS_SENT_START": True, "LOWER": {"IN": ["hurry", "request", "book"]}}],
    [{"LOWER": "you"}, {"LOWER": {"NOT_IN": ["are", "need"]}}, {"IS_ALPHA": True, "OP": "+"}],
    [{"LOWER": "as"}, {"LOWER": "a"}, {"OP": "{0,2}", "IS_ALPHA": True}, {"LOWER": {"IN": ["mom", "man"]}}],
    [{"TEXT": {"REGEX": "^[A-Z]{3,4}$"}}, {"LOWER": "and"}],
    [{"ORTH": "SOC"}, {"LIKE_NUM": True}, {"IS_TITLE": True, "OP": "?"}],
    [{"LOWER": "talk"}, {"LOWER": "to", "OP": "!"}, {"LOWER": "sales"}],
    [{"LOWER": "the"}, {"IS_UPPER": True}, {"OP": "{1}", "IS_ALPHA": True}],
    [{"LEMMA": {"IN": ["request", "book"]}, "LOWER": {"NOT_IN": ["booked"]}}, {"LOWER": "a", "OP": "?"},
     {"LEMMA": {"IN": ["demo", "call"]}}],
    # a dot and a dollar sign inside a character class are characters, not "any" and "end"
    [{"ORTH": {"IN": ["$", "£", "€"]}}, {"TEXT": {"REGEX": "^(?:[0-9]|[1-4][0-9])(?:[.,][0-9]{1,2})?$"}},
     {"LOWER": {"IN": ["a", "per", "/"]}}, {"LOWER": {"IN": ["month", "mo", "mth"]}}],
    [{"LOWER": {"REGEX": "^(?:[0-9]|[1-4][0-9])(?:[.,][0-9]{1,2})?[$£€]/(?:month|mo|mth)$"}}],
]


@pytest.mark.parametrize("pattern", EXTRA_PATTERNS, ids=[str(i) for i in range(len(EXTRA_PATTERNS))])
def test_compiled_pattern_agrees_with_matcher_on_corner_cases(engine: Engine, pattern) -> None:
    """Each match start spaCy finds is a start the regex finds, ending where spaCy's longest
    match from that start ends (the engine keeps the longest of overlapping hits)."""
    nlp = engine.pipeline.nlp
    doc = next(iter(engine.pipeline.pipe([(CORNERS, None)])))[0]
    rx = compile_pattern(pattern)
    assert rx is not None
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    longest: dict[int, int] = {}
    for _, start, end in matcher(doc):
        longest[start] = max(end, longest.get(start, start))
    stream = TokenStream(DocArrays(doc), {}, nlp.vocab)
    got = {}
    for start in range(len(doc)):
        m = rx.match(stream.text, stream.starts[start])
        if m is not None and m.end() > m.start():
            got[start] = stream.token_at(m.end())
    assert got == longest
    assert longest, "the corner text should hold at least one match"


@pytest.mark.parametrize("compiled", [True, False])
def test_context_tokens_at_a_patterns_edges_guard_without_joining_the_match(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, compiled: bool) -> None:
    """A first or last token that only says NOT_IN is the neighbour's condition: it is not part
    of the evidence, and the start or end of the text passes it. Punctuation a pattern ends on
    is left out of the evidence too."""
    from audit.packs.lexicon import CueGroup, Persona

    if not compiled:
        monkeypatch.setattr(matching, "compile_pattern", lambda pattern: None)
    after = [{"LOWER": "the"}, {"LOWER": "demo"}, {"LOWER": {"NOT_IN": ["video", "site"]}}]
    before = [{"LOWER": {"NOT_IN": ["recorded", "the"]}}, {"LOWER": "in"}, {"LOWER": "minutes"}]
    plain_last = [{"LOWER": "save"}, {"LOWER": {"NOT_IN": ["time"]}, "OP": "?"}]  # not context
    punct = [{"LOWER": "hurry"}, {"ORTH": {"IN": [",", "!"]}}]
    group = CueGroup("g", 1.0, patterns=tuple(tuple(p) for p in (after, before, plain_last, punct)))
    pack = Persona("p", "P", "anti-persona", "1", "", (group,))
    nlp = engine.pipeline.nlp
    cues = matching.CueMatcher(nlp, [pack])

    def found(text: str) -> list[str]:
        doc = nlp(text)
        return [text[h.start_char:h.end_char] for h in cues.find(doc)]

    assert found("Skip the demo: start now.") == ["the demo"]
    assert found("Book the demo") == ["the demo"]
    assert found("Watch the demo video or the demo site.") == []
    assert found("In minutes you are done.") == ["In minutes"]
    assert found("Set up in minutes.") == ["in minutes"]
    assert found("It was recorded in minutes.") == []
    assert found("Save money.") == ["Save money"], "an optional NOT_IN token is the pattern's own"
    assert found("Hurry, it ends.") == ["Hurry"], "required punctuation is left out of the evidence"
    assert found("We are in a hurry.") == []
    assert found("Book the demo's room") == ["the demo's"], "a word is not cut after its stem"
