"""The regex prefilter only skips texts a regex cannot match."""

from __future__ import annotations

import re

import numpy as np
import pytest

from audit import load_packs
from audit.analyze.charregex import SPAN, CharRegex, CharRegexes, Scan, _leading_tests, for_lowered
from audit.analyze.nlp import build_fast
from audit.analyze.regexfilter import DIGIT, Literal, anchors, leads, required_literals


@pytest.mark.parametrize(("rx", "needs"), [
    (r"\{\{\s*\w+\s*\}\}", ("{{",)),
    (r"\b(?:[Hh]i|Hello)\s+,", ("hello", "hi")),
    (r"(?i)\b\d+%off\b", ("%off",)),
    (r"\d+", None),
])
def test_required_literals(rx: str, needs: tuple[str, ...] | None) -> None:
    assert required_literals(re.compile(rx)) == needs


def test_a_two_letter_prefix_is_not_a_sharp_anchor() -> None:
    """The parser factors "th" out of "the|those|that|these": two letters are in every other
    word, so the verbs after them anchor the regex (it ran near every "the" of a long page)."""
    verbs = ("viewed", "browsed", "searched", "looked", "checked", "clicked", "eyeing")
    found = anchors(re.compile(r"(?i)\b(?:the|those|that|these)\s+(?:\w+\s+){1,3}?you\s+"
                               r"(?:viewed|browsed|searched\s+for|looked\s+at|checked\s+out|"
                               r"clicked\s+on|eyeing)\b"))
    assert found is not None and {lit.text for lit in found} == set(verbs)


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


def test_anchors_know_word_boundaries() -> None:
    found = anchors(re.compile(r"\b(?:Hi|Hello|Hey)[ \t]+,"))
    assert found is not None
    assert Literal("hi", True, True) in found  # so "this" is not an anchor for it
    assert anchors(re.compile(r"\b\d{1,2}h\s*\d{1,2}m")) == (DIGIT,)
    # Rare punctuation is a sharper anchor than common words.
    assert anchors(re.compile(r"\[\s*(?:first|your)[ _]?name\s*\]")) == (Literal("["),)
    # A class of a few characters is a choice of anchors: a currency sign, not "mo" inside
    # "more", "moment" or "amount".
    assert anchors(re.compile(r"(?i)[$£€]\s?\d{3}\s*(?:/|per\s+)(?:mo\b|month)")) == (
        Literal("$"), Literal("£"), Literal("€"))


@pytest.mark.parametrize(("trusted", "from_tokens"), [(False, False), (True, False), (True, True)])
def test_windowed_regexes_find_what_a_full_scan_finds(trusted: bool, from_tokens: bool) -> None:
    """Running each pack regex only near its anchors loses no match a full scan finds, through
    the time-bounded ``regex`` module (users' packs), through ``re`` on the lower-cased text
    (the shipped packs' case-insensitive patterns), or tried only where the tokens say it
    could start (a word start inside a token, a lead that runs into the next token)."""
    nlp = build_fast()
    entries = [CharRegex(re.compile(rx), pi, gi, trusted=trusted)
               for pi, pack in enumerate(load_packs())
               for gi, group in enumerate(pack.cues) for rx in group.regex]
    chars = CharRegexes(nlp, entries)
    filler = "Plain words about invoices and weekends. " * (SPAN // 20)
    samples = [
        "Hi {{first_name}}, your cart misses you.", "Hey *|FNAME|*!", "Dear ,", "Hi %FIRSTNAME%",
        "Only 02:14:59 left", "It's raining in Leeds", "Use code SAVE20 at checkout",
        "Take an extra 30%off", "Hi [First Name], welcome", "People in Leeds just bought this",
        "Ends in 02h 14m 09s", "Ladies, this one is for you.", "Hello null, welcome back",
        "Someone in New York just bought a kettle", "Hi jo@example.com, thanks",
        "MADE FOR FREELANCERS and Built For Individuals", "Your Side Project, Your Rules",
        "ONE-TIME PAYMENT, pay once", "You'Re SEEING THIS because you're a new parent",
        "#MadeForFreelancers and (made for freelancers) or shop.example/made-for-solo",
        "DON'T MISS OUT, don\u2019t miss out, Don't  miss out",
        "Sale ends in 2d 3h 15m, x24:00:00 left, abc12 months free, 3 Months Free, 250$/mo",
        "I built it for myself. A Side Project of mine; I am a solo maker",
    ]
    text = "\n\n".join(f"{filler}{s} {filler}" if i % 2 else s for i, s in enumerate(samples))
    doc = nlp(text)
    anchored: dict[int, list[int]] = {}
    for token in doc:
        for rid in chars.type_ids(token.lower_):
            anchored.setdefault(rid, []).append(token.idx)
    def trimmed(rid: int, start: int, end: int) -> tuple[int, int, int]:
        # A match may start in the blank line before a window; the engine trims white space.
        matched = text[start:end]
        start += len(matched) - len(matched.lstrip())
        return rid, start, start + len(matched.strip())

    started = None
    if from_tokens:
        assert chars.token_started
        rids, offsets = [], []
        for token in doc:
            glued = token.i + 1 < len(doc) and doc[token.i + 1].idx == token.idx + len(token)
            leads = chars.type_leads(token.lower_)
            if leads is not None:
                upto = len(leads.rids) if glued else leads.exact
                rids.extend(leads.rids[:upto])
                offsets.extend(token.idx + shift for shift in leads.shifts[:upto])
        started = (np.array(rids, dtype=np.int64), np.array(offsets, dtype=np.int64))
    windowed = sorted({trimmed(*m) for m in chars.run(text, text.lower(), anchored, started)})
    full = sorted({trimmed(rid, m.start(), m.end()) for rid, e in enumerate(entries)
                   for m in e.rx.finditer(text) if m.end() > m.start()})
    assert windowed == full
    assert len(full) >= len(samples)


def test_case_insensitive_patterns_run_on_the_lower_cased_text_only_when_exact() -> None:
    lowered = for_lowered(re.compile(r"(?i)\bmade\s+for\s+\S+"))
    assert lowered is not None and not lowered.flags & re.IGNORECASE
    assert lowered.pattern == r"\bmade\s+for\s+\S+"  # escapes such as \S kept as they are
    # Its own letters are lower-cased: under (?i) "SSO" and "sso" are the same.
    assert for_lowered(re.compile(r"(?i)\bSSO\s+[A-Z]\w+\S")).pattern == r"\bsso\s+[a-z]\w+\S"
    for kept in (r"\bMade\s+for", r"(?im)^solo\b", r"(?i)plan(?-i:Pro)",
                 r"(?i)\b(?P<Name>solo)\b", r"(?i)\x53SO", r"(?i)(so)\1"):
        assert for_lowered(re.compile(kept)) is None, kept


@pytest.mark.parametrize(("rx", "split"), [
    (r"\bwe\s+know", (r"\b", r"we\s+know")),
    (r"(?i)(?<![\d:])\d{1,2}:\d{2}", (r"(?i)(?<![\d:])", r"(?i)\d{1,2}:\d{2}")),
    (r"(?<!\{)\{\{\s*\w+", (r"(?<!\{)", r"\{\{\s*\w+")),
    (r"\bA|B", None),  # the test belongs to one alternative only
    (r"(?m)^Dear\s*,", None),  # a line start stays in front
    (r"\b(?:x)?", None),  # the rest could match nothing
    (r"(?:^|(?<=[.!?]\s))Hey", None),
])
def test_leading_tests_are_cut_off_only_where_the_meaning_stays(
        rx: str, split: tuple[str, str] | None) -> None:
    assert _leading_tests(re.compile(rx)) == split


@pytest.mark.parametrize("rx", [r"\bwe\s+know\b", r"(?<![\d:])\d{1,2}:\d{2}", r"\b\w+ing\b",
                                r"(?<=\s)\d+\s*(?:h|hours?)\b", r"\b(?:so|sooner)\w*"])
def test_a_cut_scan_finds_what_finditer_finds(rx: str) -> None:
    """Finds that fail the cut-off test are skipped one character on, so a later match that
    overlaps them is still found, and matches never overlap each other."""
    text = ("owe know we know; 12:30 112:30 1:305 x:12:45 sing ringing bring-ing "
            "  3 hours 4h sooner so soonest\n\nwe know")
    scan = Scan.of(re.compile(rx))
    assert scan.rest is not None
    windows = [(0, 40), (40, len(text))]
    expected = [m.span() for lo, hi in windows for m in re.compile(rx).finditer(text, lo, hi)]
    assert scan.spans(text, windows) == expected
    assert expected


@pytest.mark.parametrize(("rx", "starts"), [
    (r"\b(?:earn|make)\s+cash|(?<=\bstart\s)earning\b", ("earn", "earning", "make")),
    (r"(?i)\bfree\s*\(forever\)|\bforever\s*\(free\)", ("forever", "free")),  # "f" factored out
    (r"\b(?:our\s+)?gift\s+to\s+you", ("gift", "our")),  # an optional opening
    (r"(?:\{\{|\$\{)\s*name", ("${", "{{")),
    (r"\b(?:[Pp]eople|[Ss]hoppers)\s+in", ("people", "shoppers")),
    (r"(?m)^(?:solo|indie)\s*$", None),  # a line start: re finds those quickly itself
    (r"\b(?:\d+|one)\s+months?\s+free", None),  # a digit has no text to look for
    (r"\b(?:a|an)\s+team", None),  # a one-letter word is everywhere
    (r"\b(?:x)?y", None),
])
def test_leads_are_the_texts_every_match_starts_with(rx: str, starts: tuple[str, ...] | None
                                                       ) -> None:
    assert leads(re.compile(rx)) == starts


@pytest.mark.parametrize("rx", [
    r"\b(?:earn|make)\s+(?:extra\s+)?cash\b|(?<=\bstart\s)earning\b",
    r"(?i)\bfree\s*\(forever\)|\bforever\s*\(free\)",
    r"(?i)(?:\{\{\s*\w+\s*\}\}|\[\s*[\w ]{1,20}\])\s?%\s+off\b",
    r"(?<![\w-])(?:[Pp]eople|[Ss]hoppers)\s+in\s+[A-Z][a-z]+|\bfolks\s+near",
])
def test_a_lead_scan_finds_what_finditer_finds(rx: str) -> None:
    """A regex with no cut-off test but known opening texts is tried only where one of them
    is: the same matches, in the same order, never overlapping, including one that starts
    where an earlier try failed and one right after a match."""
    text = ("make more cash; make cash make extra cash, start earning (we start earning) "
            "unearned earning FREE (forever) forever(free) freeforever (free) {{ code }} % off "
            "[Spring sale]% off {{x}}%off People in Leeds, shoppers in york, Shoppers in York "
            "people in\n\nLeeds earn cash")
    pattern = re.compile(rx)
    scan = Scan.of(pattern)
    assert scan.lead is not None and scan.rest is None
    for windows in ([(0, len(text))], [(0, 45), (45, 150), (150, len(text))], [(3, 9)]):
        expected = [m.span() for lo, hi in windows for m in pattern.finditer(text, lo, hi)
                    if m.end() > m.start()]
        assert scan.spans(text, windows, text.lower()) == expected
        assert scan.spans(text, windows) == expected  # no lower-cased text: a plain search
    assert scan.spans(text, [(0, len(text))], text.lower())


def test_every_shipped_lead_scan_finds_what_finditer_finds() -> None:
    """The packs' own regexes, on the lower-cased text and on the text as written, over our
    example copy: a lead scan loses nothing and adds nothing."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    text = "\n\n".join(p.read_text(encoding="utf-8")
                       for p in sorted((root / "examples").rglob("*"))
                       if p.suffix in (".md", ".txt", ".html", ".eml"))
    checked = 0
    for pack in load_packs():
        for group in pack.cues:
            for src in group.regex:
                for rx, lowered in ((re.compile(src), False), (for_lowered(re.compile(src)), True)):
                    if rx is None or Scan.of(rx).lead is None:
                        continue
                    subject = text.lower() if lowered else text
                    expected = [m.span() for m in rx.finditer(subject) if m.end() > m.start()]
                    found = Scan.of(rx).spans(subject, [(0, len(subject))], text.lower())
                    assert found == expected, src
                    checked += 1
    assert checked >= 50


def _window(text: str, pos: int) -> tuple[int, int]:
    """What a window is, place by place: the paragraph around ``pos``, at most SPAN characters
    each way; a cut end is moved to the next whitespace (or SPAN further at most)."""
    lo = text.rfind("\n\n", max(0, pos - SPAN), pos)
    lo = lo + 2 if lo >= 0 else max(0, pos - SPAN)
    hi = text.find("\n\n", pos, pos + SPAN)
    if hi < 0:
        hi = min(len(text), pos + SPAN)
        if hi < len(text):
            m = re.compile(r"\s").search(text, hi, hi + SPAN)
            hi = m.start() if m else min(len(text), hi + SPAN)
    return lo, hi


def test_windows_worked_out_at_once_are_the_windows_one_by_one() -> None:
    """All regexes' windows come from numpy in one pass; they must be the windows a loop over
    each regex's places works out (paragraph breaks, the SPAN limit, a cut moved to the next
    white space of any kind, characters beyond the BMP, runs of blank lines), and one regex's
    windows never join another's."""
    import random

    from audit.analyze.charregex import Windows

    def one_by_one(text: str, offsets: list[int]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for pos in sorted(set(offsets)):
            lo, hi = _window(text, pos)
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
            else:
                spans.append((lo, hi))
        return spans

    rng = random.Random(7)
    pieces = ["word", " ", "\n", "\n\n", "\n\n\n", "\u00a0", "\t", "caf\u00e9 ", "\u3000",
              "\U0001f600", "x" * 120]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.choice([1, 20, 200, 900])))
        at = {rid: [rng.randrange(len(text)) for _ in range(rng.choice([1, 3, 32, 90, 400]))]
              for rid in rng.sample(range(40), rng.choice([1, 2, 5]))}
        whole = rng.randrange(40, 50)
        at[whole] = [3, -1]
        windows = Windows(text).merged_all(at)
        expected = {rid: [(0, len(text))] if rid == whole else one_by_one(text, offsets)
                    for rid, offsets in at.items()}
        assert {rid: windows.spans(rid) for rid in at} == expected
        # A place lies in its own regex's windows only, and knows the end of the one it is in.
        rids = [rid for rid in range(50) for _ in range(6)]
        offsets = [rng.randrange(len(text)) for _ in rids]
        placed = windows.places(np.array(rids, dtype=np.int64), np.array(offsets, dtype=np.int64))
        for rid in range(50):
            inside = sorted((off, hi) for r, off in zip(rids, offsets, strict=True) if r == rid
                            for lo, hi in expected.get(rid, []) if lo <= off < hi)
            assert list(zip(*placed.get(rid, ((), ())), strict=True)) == inside
        assert windows.places(np.array([99]), np.array([0])) == {}  # a regex with no windows


@pytest.mark.parametrize(("rx", "starts"), [
    (r"\bwe\s+know", ("we",)),
    (r"(?<![\d:])\d{1,2}:\d{2}", ("\\d",)),  # a run of digits starts there
    (r"\b(?:\d+|one)\s+months?", ("\\d", "one")),
    (r"(?i)\b(?:[2-9]\d{2})\s?\$", ("\\d",)),
    (r"\b(?:a|an)\s+team", ("a",)),  # "a" opens both; everywhere, but found at no cost
    (r"(?<!\d)(?:one|two)\s+left", None),  # "someone": a word may start mid-word here
    (r"we\s+know", None),  # no test before it: "owe know" matches
    (r"(?<![\w$])\$\d+", None),  # "$" is no word: it may sit anywhere in a token
    (r"(?:^|(?<=\n))Hi", None),
    (r"\bfree|forever", None),  # one alternative has no test
])
def test_word_leads_are_leads_that_only_open_a_word_or_a_number(
        rx: str, starts: tuple[str, ...] | None) -> None:
    from audit.analyze.regexfilter import word_leads

    assert word_leads(re.compile(rx)) == starts


def test_a_token_knows_where_in_it_a_regex_could_start() -> None:
    """At its start, after a non-word character inside it, where its digits start, and, only
    when the next token is glued to it, where it ends in the middle of a lead."""
    nlp = build_fast()
    sources = [r"(?i)\bfreelancers?\b", r"(?i)\bdon't\s+miss\b", r"\b\d+\s*h\b",
               r"(?<![\d:])\d{2}:\d{2}"]
    chars = CharRegexes(nlp, [CharRegex(re.compile(rx), 0, 0, trusted=True) for rx in sources])
    assert chars.token_started == {0, 1, 2, 3}
    leads = chars.type_leads("#freelancers")
    assert leads is not None and list(zip(leads.shifts, leads.rids, strict=True)) == [(1, 0)]
    leads = chars.type_leads("do")  # "do" of "don't": only if "n't" follows unspaced
    assert leads is not None and leads.exact == 0 and leads.rids == (1,)
    leads = chars.type_leads("x24")  # "x24": \b does not open "24", a lookbehind on digits does
    assert leads is not None and set(zip(leads.shifts, leads.rids, strict=True)) >= {(1, 3)}
    assert chars.type_leads("invoice") is None
    # A long token is read a lead's length at a time: the same places, however long it is.
    blob = "x/" * 50_000 + "freelancer/do"
    leads = chars.type_leads(blob)
    assert leads is not None
    assert set(zip(leads.shifts[:leads.exact], leads.rids[:leads.exact], strict=True)) == {
        (100_000, 0)}
    assert list(zip(leads.shifts[leads.exact:], leads.rids[leads.exact:], strict=True)) == [
        (100_011, 1)]
