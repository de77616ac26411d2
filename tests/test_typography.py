"""Real copy's typography (curly quotes, soft hyphens, no-break spaces...) must not change a
verdict, and evidence offsets must still point at the text as given."""

from __future__ import annotations

import pytest

from audit import Engine
from audit.analyze.typography import normalise, to_original

# (as real pages write it, the same in ASCII)
TWINS = [
    ("You don\u2019t need SSO or a security review to start.",
     "You don't need SSO or a security review to start."),
    ("We\u2019ve noticed you looked at these boots three times this week.",
     "We've noticed you looked at these boots three times this week."),
    ("Pro\u00adcure\u00adment sign\u2011off and a security review come first.",
     "Procurement sign-off and a security review come first."),
    ("Start\u00a0free today, no\u00a0credit\u00a0card.", "Start free today, no credit card."),
    ("Request a demo\u200b with our enterprise team.", "Request a demo with our enterprise team."),
    ("\u201cStart free\u201d \u2014 then it\u2019s $9 a month.",
     '"Start free" \u2014 then it\'s $9 a month.'),
    ("\uff33\uff33\uff2f and \uff33\uff21\uff2d\uff2c for every workspace.",
     "SSO and SAML for every workspace."),
    ("We don\u2019t offer coupons, and it isn\u2019t a sale.",
     "We don't offer coupons, and it isn't a sale."),
]


@pytest.mark.parametrize("styled, plain", TWINS)
def test_typographic_twins_score_the_same(each_engine: Engine, styled: str, plain: str) -> None:
    a, b = each_engine.check_text(styled), each_engine.check_text(plain)
    assert a.scores == b.scores
    assert a.verdict.label == b.verdict.label
    assert [(e.persona, e.group, e.negated) for e in a.evidence] == \
        [(e.persona, e.group, e.negated) for e in b.evidence]


def test_offsets_point_at_the_original_text(each_engine: Engine) -> None:
    text = "Our pro\u00adcure\u00adment team needs a\u200b security review."
    result = each_engine.check_text(text)
    found = {e.text.lower(): e for e in result.evidence if e.kind == "cue"}
    assert "procurement" in found and "security review" in found
    piece_text = result.piece.text
    proc = found["procurement"]
    assert piece_text[proc.start:proc.end] == "pro\u00adcure\u00adment"
    review = found["security review"]
    assert piece_text[review.start:review.end] == "security review"


def test_normalise_keeps_length_for_one_for_one_characters() -> None:
    text = "It\u2019s \u201cfree\u201d\u00a0\u2011 \uff33\uff33\uff2f"
    out = normalise(text)
    assert out.cuts is None
    assert out.text == 'It\'s "free" - SSO'
    assert len(out.text) == len(text)


def test_dropped_characters_map_back() -> None:
    text = "ab\u00adcd \u200b\u200bxy"
    out = normalise(text)
    assert out.text == "abcd xy"
    # every kept character maps to itself in the original
    for i, ch in enumerate(out.text):
        assert text[to_original(out.cuts, i)] == ch
    # a span's end stays before the invisible characters that follow it
    assert text[0:to_original(out.cuts, 5, end=True)] == "ab\u00adcd "


def test_control_characters_are_read_as_spaces(engine: Engine) -> None:
    """A colour code pasted from a terminal no longer hides the cue before it, and no excerpt
    carries an escape sequence."""
    text = "Request a demo\x1b[31m with our team\x07 today."
    result = engine.check_text(text)
    demo = [e for e in result.evidence if e.text == "Request a demo"]
    assert demo and text[demo[0].start:demo[0].end] == "Request a demo"
    assert not any("\x1b" in e.sentence or "\x07" in e.sentence for e in result.evidence)
    assert len(normalise(text).text) == len(text)


@pytest.mark.parametrize("code", ["\x1b[31m", "\x1b[1;38;5;208m", "\x9b31m", "\x1b]0;title\x07",
                                  "\x1b]8;;https://x.test\x1b\\", "\x1b(B", "\x1b]0;left open"])
def test_a_terminal_escape_sequence_is_blanked_whole(engine: Engine, code: str) -> None:
    """Copy piped from a terminal with its colour codes: the cue right after a code is found,
    offsets are kept, and no part of the code ("[31m") is left glued to the next word."""
    text = f"Welcome aboard.\n\n{code}Request a demo\x1b[0m with our team today."
    if code.endswith("left open"):  # an unclosed title string stops at the line's end
        text = f"Welcome aboard. {code}\n\nRequest a demo with our team today."
    out = normalise(text)
    assert len(out.text) == len(text)
    assert "[" not in out.text and "]" not in out.text and "title" not in out.text
    result = engine.check_text(text)
    demo = [e for e in result.evidence if e.text == "Request a demo"]
    assert demo and text[demo[0].start:demo[0].end] == "Request a demo"
    assert not any("31m" in e.sentence or "\x1b" in e.sentence for e in result.evidence)


@pytest.mark.parametrize("run", ["[", "$", "_", "!?", "\U0001f505", ".,"])
def test_a_long_run_of_symbols_is_cut_short_and_keeps_offsets(run: str) -> None:
    """spaCy's tokenizer strips a run of marks one character at a time, in time that grows with
    the square of its length; past 32 such characters the rest is read as spaces."""
    text = "Start free " + run * 5_000 + " no credit card."
    folded = normalise(text).text
    assert len(folded) == len(text)
    assert folded.startswith("Start free " + (run * 32)[:32])
    assert folded.endswith(" no credit card.")
    assert max(len(word) for word in folded.split()) <= 32


def test_short_runs_and_accented_words_are_left_alone() -> None:
    text = "Wow!!! Crème brûlée, déjà vu… and ------ a rule of 32 dashes " + "-" * 32
    assert normalise(text).text == text.replace("\u2026", ".")


def test_a_page_of_brackets_is_checked_in_linear_time(engine: Engine) -> None:
    """200,000 "[" took minutes; cut short, the check reads a handful of tokens."""
    result = engine.check_text("Start free. " + "[" * 200_000)
    assert result.words < 50
