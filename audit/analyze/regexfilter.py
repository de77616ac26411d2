"""What a regular expression cannot match without: literals it needs, and where they sit.

Python's ``re`` tries every position of a text, which made the packs' character-level regexes
(merge tags, countdowns...) a visible cost on long inputs. Most of them cannot match unless some
literal text occurs ("{{", "left", "%off"...). :func:`anchors` reads the parsed regex and returns
such literals (lower-cased; any one of them must occur in every match), each with whether the
regex puts a word boundary right before and after it, so that "Hi" in ``\\b(?:Hi|Hey)\\s+,`` can
be looked for as a word and not inside "this". A regex with no literal but a mandatory digit
gets the :data:`DIGIT` anchor. None: nothing known, the regex scans the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

try:  # Python 3.11+ keeps the parser here
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_MIN_LITERAL = 2
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Literal:
    """Lower-cased text every match contains; ``word_start``/``word_end``: the regex allows no
    word character right before/after it (``\\b``, ``\\s``, start or end of the text)."""

    text: str
    word_start: bool = False
    word_end: bool = False

    @property
    def is_word(self) -> bool:
        return _WORD.fullmatch(self.text) is not None


#: The anchor of a regex that needs a digit but no literal text (countdowns like "02h 14m").
DIGIT = Literal("\\d")

_BOUNDARY_AT = {sre_parse.AT_BOUNDARY, sre_parse.AT_BEGINNING, sre_parse.AT_BEGINNING_LINE,
                sre_parse.AT_BEGINNING_STRING, sre_parse.AT_END, sre_parse.AT_END_LINE,
                sre_parse.AT_END_STRING}
_NON_WORD_CATEGORIES = {sre_parse.CATEGORY_SPACE, sre_parse.CATEGORY_NOT_WORD,
                        sre_parse.CATEGORY_LINEBREAK}


def _case_char(av: Any) -> str | None:
    """A character class like [Pp] that only differs by case, as one lower-case letter."""
    chars = set()
    for op, val in av:
        if op is not sre_parse.LITERAL:
            return None
        chars.add(chr(val).lower())
    return chars.pop() if len(chars) == 1 else None


def _literal_char(op: Any, av: Any) -> str | None:
    """The one lower-cased character a literal item (``a``, ``[Aa]``) stands for, or None."""
    if op is sre_parse.LITERAL:
        return chr(av).lower()
    return _case_char(av) if op is sre_parse.IN else None


#: Parsed items that test a position without consuming text (``\b``, ``^``, lookarounds).
ZERO_WIDTH = (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT)


def alternation(words: Iterable[str]) -> str:
    """The words as one regex alternation, longest first, then alphabetical: the same regex
    text in every process (set order is not), so its compiled program can be kept between
    runs (see programs)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _class_chars(av: Any, most: int = 4) -> list[str] | None:
    """The lower-cased characters of a class of at most ``most`` literal characters."""
    if len(av) > most or any(op is not sre_parse.LITERAL for op, _ in av):
        return None
    return sorted({chr(val).lower() for _, val in av})


def _non_word_class(av: Any) -> bool:
    """A class ([ \\t], \\s, \\W) none of whose characters is a word character."""
    for op, val in av:
        if op is sre_parse.LITERAL:
            if _WORD.fullmatch(chr(val)):
                return False
        elif op is sre_parse.CATEGORY:
            if val not in _NON_WORD_CATEGORIES:
                return False
        else:
            return False
    return True


def _bounds(op: Any, av: Any) -> bool:
    """Whether this item guarantees a non-word position next to what precedes or follows it."""
    if op is sre_parse.AT:
        return av in _BOUNDARY_AT
    if op is sre_parse.IN:
        return _non_word_class(av)
    if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
        inner_op, inner_av = av[2][0]
        return inner_op is sre_parse.IN and _non_word_class(inner_av)
    return False


#: Characters that are rare in marketing copy, so a literal holding one is a sharp filter.
_RARE = set("[]{}<>«»|*#$£€~^\\@%≥≤")


def _cost(cands: list[Literal]) -> float:
    """Roughly how often a set of alternative literals turns up in copy, per hundred tokens
    (lower is sharper): a comma is everywhere, a stop word often, a long word rarely, rare
    punctuation hardly ever. A word that may sit inside longer words counts double."""
    from spacy.lang.en.stop_words import STOP_WORDS

    total = 0.0
    for lit in cands:
        if not lit.is_word:
            if _RARE & set(lit.text):
                total += 0.05
            elif len(lit.text.strip()) <= 1:  # "," or ":" is in every other sentence
                total += 50.0
            elif any(c.isdigit() for c in lit.text) or any(
                    len(w) > 2 and w not in STOP_WORDS for w in _WORD.findall(lit.text)):
                total += 0.15  # "2-for-1", "signed up"
            else:
                total += 10.0  # "it's", "it is": stop words with punctuation
            continue
        # Two letters are as common as a stop word: "th" (a prefix the parser factors out of
        # "the|that|these") is in every other word.
        cost = 10.0 if lit.text in STOP_WORDS or len(lit.text) <= 2 else (
            0.3 if len(lit.text) <= 4 else 0.1)
        total += cost if lit.word_start and lit.word_end else 2 * cost
    return total


def _sequence(items: list[Any], left: bool = False, right: bool = False) -> list[Literal] | None:
    """Alternatives for what a sequence must contain: the longest literal run in it, or the
    literals of a mandatory group inside it. ``left``/``right``: the sequence sits at a word
    boundary on that side."""
    best: list[Literal] | None = None
    run = ""
    run_left = left

    def consider(cands: list[Literal] | None) -> None:
        nonlocal best
        if not cands or not all(len(c.text) >= _MIN_LITERAL or not c.is_word for c in cands):
            return
        if best is None or _cost(cands) < _cost(best):
            best = cands

    def close(at: int) -> None:
        nonlocal run
        if run:
            after = right if at == len(items) else _bounds(*items[at])
            consider([Literal(run, run_left, after)])
        run = ""

    for i, (op, av) in enumerate(items):
        char = _literal_char(op, av)
        if char is not None:
            if not run:
                run_left = left if i == 0 else _bounds(*items[i - 1])
            run += char
            continue
        after = right if i == len(items) - 1 else _bounds(*items[i + 1])
        if run and op is sre_parse.BRANCH:
            # The parser factors a shared prefix out of alternatives ("Hi|Hey" is "H" then
            # "i|ey"): put it back in front of each alternative's leading literal.
            consider([_with_prefix(run, run_left, alt, after) for alt in av[1]])
        close(i)
        before = left if i == 0 else _bounds(*items[i - 1])
        if op is sre_parse.IN:
            # A few characters, one of which must occur ("[$£€]"): each is an alternative.
            chars = _class_chars(av)
            if chars:
                consider([Literal(c, before, after) for c in chars])
        elif op is sre_parse.SUBPATTERN:
            consider(_sequence(list(av[-1]), before, after))
        elif op is sre_parse.BRANCH:
            branches = [_sequence(list(b), before, after) for b in av[1]]
            if all(branches):
                consider([c for b in branches for c in b])  # type: ignore[union-attr]
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and av[0] >= 1:
            consider(_sequence(list(av[2]), before and av[1] == 1, after and av[1] == 1))
    close(len(items))
    return best


def _with_prefix(prefix: str, left: bool, alt: list[Any], right: bool) -> Literal:
    """``prefix`` plus the literal characters an alternative starts with."""
    lead = ""
    for op, av in alt:
        char = _literal_char(op, av)
        if char is None:
            return Literal(prefix + lead, left, False)
        lead += char
    return Literal(prefix + lead, left, right)


def _needs_digit(items: list[Any]) -> bool:
    """Whether a top-level item of the regex is a mandatory digit (\\d, [0-9])."""
    for op, av in items:
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
            op, av = av[2][0]
        if op is sre_parse.IN and _every_digit(av):
            return True
    return False


def _digits_only(av: Any) -> bool:
    """A class of digits only: ``\\d``, ``[0-9]``, ``[2-9]``, ``[15]``."""
    zero, nine = ord("0"), ord("9")
    return bool(av) and all(
        (op is sre_parse.CATEGORY and val is sre_parse.CATEGORY_DIGIT)
        or (op is sre_parse.RANGE and zero <= val[0] <= val[1] <= nine)
        or (op is sre_parse.LITERAL and zero <= val <= nine) for op, val in av)


def _every_digit(av: Any) -> bool:
    """A class that matches every digit: ``\\d`` or ``[0-9]``."""
    return av in ([(sre_parse.CATEGORY, sre_parse.CATEGORY_DIGIT)],
                  [(sre_parse.RANGE, (ord("0"), ord("9")))])


def anchors(pattern: re.Pattern[str]) -> tuple[Literal, ...] | None:
    """Literals one of which every match contains (or :data:`DIGIT`); None if none are known."""
    try:
        parsed = list(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # any parser trouble means: no filter
        return None
    found = _sequence(parsed)
    if found:
        # One literal text may come with different boundaries: keep the weakest claim.
        merged: dict[str, Literal] = {}
        for lit in found:
            old = merged.get(lit.text)
            merged[lit.text] = lit if old is None else Literal(
                lit.text, old.word_start and lit.word_start, old.word_end and lit.word_end)
        return tuple(merged[k] for k in sorted(merged))
    if _needs_digit(parsed):
        return (DIGIT,)
    return None


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-cased literals one of which every match contains, or None if none are known."""
    found = anchors(pattern)
    if not found or found == (DIGIT,):
        return None
    return tuple(lit.text for lit in found)


_WORD_TESTS = (sre_parse.AT_BOUNDARY, sre_parse.AT_NON_BOUNDARY)


def _leads_of(items: list[Any]) -> set[str] | None:
    """Lower-cased texts one of which every match of the sequence starts with (:data:`DIGIT`'s
    text for a digit)."""
    i = 0
    while i < len(items) and items[i][0] in ZERO_WIDTH:
        if items[i][0] is sre_parse.AT and items[i][1] not in _WORD_TESTS:
            return None  # "^": re finds line starts quickly on its own
        i += 1
    if i == len(items):
        return None
    op, av = items[i]
    run = ""
    for op2, av2 in items[i:]:
        char = _literal_char(op2, av2)
        if char is None:
            break
        run += char
    if run:
        # The parser factors a shared prefix out of alternatives ("free|forever" is "f" then
        # "ree|orever"): put it back in front of what follows.
        rest = _leads_of(items[i + len(run):]) if i + len(run) < len(items) and items[
            i + len(run)][0] in (sre_parse.BRANCH, sre_parse.SUBPATTERN) else None
        return {run + t for t in rest} if rest else {run}
    if op is sre_parse.IN:
        if _digits_only(av):
            return {DIGIT.text}
        return set(_class_chars(av) or ()) or None
    if op is sre_parse.SUBPATTERN:
        inner = _leads_of(list(av[-1]))
    elif op is sre_parse.BRANCH:
        inner = set()
        for branch in av[1]:
            found = _leads_of(list(branch))
            if found is None:
                return None
            inner |= found
    elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
        inner = _leads_of(list(av[2]))
        if inner is not None and av[0] == 0:  # optional: or what follows it starts the match
            rest = _leads_of(items[i + 1:])
            inner = None if rest is None else inner | rest
    else:
        return None
    return inner or None


def common_word(texts: tuple[str, ...]) -> bool:
    """Whether one of the texts is as common as a stop word (or a two-letter fragment)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return any(t in STOP_WORDS or len(t) <= 2 for t in texts)


def leads(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-cased texts one of which every match starts with (after its zero-width tests),
    each either at least two characters long or one character that is not a letter or digit;
    None when no such set is known. A search for these texts finds every place the whole
    regex could start, far faster than the regex's own search when it opens with ``\\b`` or
    an alternation."""
    try:
        parsed = list(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # any parser trouble means: no lead
        return None
    found = _leads_of(parsed)
    if not found or any((len(t) < 2 and t.isalnum()) or t == DIGIT.text for t in found):
        return None
    return tuple(sorted(found))


def _opening(items: list[Any]) -> str | None:
    """What the leading tests of every alternative promise about the character before a
    match: "word" (not a word character: ``\\b`` before a word, ``(?<![\\w$])``), "digit"
    (not a digit: ``(?<![\\d:])``), or None."""
    promise = None
    for op, av in items:
        if op is sre_parse.AT:
            if av is sre_parse.AT_BOUNDARY:
                return "word"
            continue
        if op is sre_parse.ASSERT_NOT:
            direction, sub = av
            sub = list(sub)
            if direction < 0 and len(sub) == 1 and sub[0][0] is sre_parse.IN:
                refused = sub[0][1]
                if (sre_parse.CATEGORY, sre_parse.CATEGORY_WORD) in refused:
                    return "word"
                if any(_every_digit([item]) for item in refused):
                    promise = "digit"
            continue
        if op is sre_parse.ASSERT:
            continue
        if op is sre_parse.SUBPATTERN:
            return promise or _opening(list(av[-1]))
        if op is sre_parse.BRANCH:
            each = {_opening(list(branch)) for branch in av[1]}
            return promise or ("word" if each == {"word"} else "digit" if None not in each
                               else None)
        return promise
    return promise


def word_leads(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The leads of a regex whose every match starts where a word or a run of digits starts:
    a word after ``\\b``, or a digit (:data:`DIGIT`'s text) after ``\\b`` or after a
    lookbehind that refuses a digit. Such a match can only start at a token's start, or
    inside a token after a non-word character or where its digits start, so the tokens tell
    where to try it. None for any other regex."""
    try:
        parsed = list(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # any parser trouble means: no lead
        return None
    found = _leads_of(parsed)
    promise = _opening(parsed)
    if not found or promise is None:
        return None
    for lead in found:
        if lead == DIGIT.text or lead[0].isdecimal():
            continue
        if promise != "word" or not (lead[0].isalnum() or lead[0] == "_"):
            return None
    return tuple(sorted(found))
