"""Is a cue negated or contrasted away? "No sales calls", "unlike enterprise suites that need
sign-off", "SSO? Not required." all mention Beth's world in order to reject it.

The fast profile reads the words around the cue (a window bounded by clause breakers, lists in
``language.yaml``). The trained profile adds the dependency parse: a ``neg`` child or a "no"
determiner on the cue's head chain, or the cue inside a "without ..." phrase.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from .language import NegationRules, negation_rules


def _ends_with(words: list[str], pos: int, phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return pos - n + 1 >= 0 and tuple(words[pos - n + 1 : pos + 1]) == phrase


def _starts_with(words: list[str], pos: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[pos : pos + len(phrase)]) == phrase


def _gloss_end(words: list[str], start: int, end: int, stop: int) -> int:
    """Where the words after the cue at [start, end) begin once a short bracketed gloss is
    skipped: "single sign-on (SSO) is ..." or, for the acronym itself, "(SSO) is ...". At most
    three words in the brackets; anything longer is an aside of its own."""
    if end < stop and words[end] == "(":
        for pos in range(end + 1, min(stop, end + 5)):
            if words[pos] == ")":
                return pos + 1
            if words[pos] == "(":
                break
    elif end < stop and words[end] == ")" and start > 0 and words[start - 1] == "(":
        return end + 1
    return end


_ARTICLES = frozenset({"a", "an", "the"})
#: What separates list items, and so does not use up a negator's window.
_LIST_SEPARATORS = frozenset({",", "and", "or"})
#: Words a list item may hold besides its one content word ("SSO, SAML and a security review").
_LIST_GLUE = (_LIST_SEPARATORS - {","}) | _ARTICLES
#: Longer than this, a sentence is no bare refusal.
_MAX_REFUSAL_CHARS = 60
#: Emphasis and closing punctuation around a refusal ("*Nope.*", "No!", "Never...", "Not us :)").
_CLOSING = re.compile(r"^[\s*_\"'“‘(]+|[\s.!…*_\"'”’):)]+$")
_OUTSIDE_NEGATION = frozenset({"nsubj", "nsubjpass", "csubj", "vocative", "npadvmod", "expl"})


class Negator:
    def __init__(self, rules: NegationRules | None = None, *, use_parse: bool = False) -> None:
        self.rules = rules or negation_rules()
        self.use_parse = use_parse
        r = self.rules
        #: Words without which nothing before / after a cue can negate it: most cues have
        #: none of them nearby, and a set test settles that without walking the window.
        self._before_triggers = (r.before_single | r.contrast_single | set(r.before_multi)
                                 | set(r.contrast_multi))
        self._after_triggers = frozenset(r.after_multi)
        self._refusal = re.compile("|".join(f"(?:{rx})" for rx in r.refusals))

    def refuses(self, sentence: str) -> bool:
        """Whether a sentence is a bare refusal of what the one before it named ("No.", "We
        said no.", "That's not us."): then that sentence's cues are taken back, as in
        "Procurement questionnaires? No." Only short sentences can be; see ``refusals``."""
        if len(sentence) > _MAX_REFUSAL_CHARS:
            return False
        plain = _CLOSING.sub("", sentence.lower().replace("\u2019", "'")).strip()
        return self._refusal.fullmatch(" ".join(plain.split())) is not None

    def negated(self, doc: Doc, start: int, end: int, sent_start: int | None = None, *,
                words: list[str] | None = None, limit: int | None = None) -> bool:
        """Whether the cue at tokens [start, end) is negated or contrasted away. ``words``:
        every token's lower-case text, when the caller has it; ``limit``: the scope after the
        cue stops before this token (the end of the piece, when several share a doc)."""
        if sent_start is None:
            sent_start = doc[start].sent.start
        if words is None:
            words = [t.lower_ for t in doc]
        lo = max(sent_start, start - max(self.rules.window, self.rules.contrast_window))
        before = words[lo:start]
        first = words[start]
        # A cue that is itself a negation ("no receipt needed") is not negated by the "no" of
        # the list item before it ("no questions asked, no receipt needed"), in words or parse.
        own_negation = first in self.rules.before_single
        stop = len(doc) if limit is None else limit
        if not self._before_triggers.isdisjoint(before):
            if self._contrast_before(before):
                return True
            if not own_negation and self._negator_before(before, first,
                                                         words[end:min(end + 2, stop)]):
                return True
        if (self.use_parse and not own_negation and doc.has_annotation("DEP")
                and self._parse_negated(doc[start:end])):
            return True
        # A short gloss in brackets between the cue and what follows it is skipped: "single
        # sign-on (SSO) is not required", and "(SSO) is not required" read from the acronym.
        skip = _gloss_end(words, start, end, stop)
        hi = min(stop, skip + self.rules.after_window + 2)
        after = words[skip:hi]
        return not self._after_triggers.isdisjoint(after) and self._negator_after(after)

    def _negator_before(self, before: list[str], first: str,
                        after_cue: list[str] | None = None) -> bool:
        """A negator within the window before the cue (``first`` is the cue's first word,
        ``after_cue`` the two words after it)."""
        r = self.rules
        last = len(before) - 1
        nearest_separator: str | None = None
        # The window counts words, not what joins list items (commas, and/or, an item's
        # article): in "doesn't need an IT department, a procurement process, a security
        # questionnaire or a legal review" the negator reaches the last item.
        counted = 0
        for pos in range(last, -1, -1):
            word = before[pos]
            joins = word in _LIST_SEPARATORS or (
                word in _ARTICLES and pos > 0 and before[pos - 1] in _LIST_SEPARATORS)
            if not joins:
                counted += 1
                if counted > r.window:
                    break
            elif nearest_separator is None and word in _LIST_SEPARATORS:
                nearest_separator = word
            if word == ":" and r.list_intro:
                return self._negated_list_intro(before[:pos])
            if word in r.breakers or word in r.closers:
                return False
            following = before[pos + 1] if pos < last else first
            # A comma, or "and", before a command verb or a pronoun starts a new clause
            # ("skip the setup and start free").
            if word in (",", "and") and following in r.comma_breakers:
                return False
            if word in r.before_single or (
                    (multi := r.before_multi.get(word))
                    and any(_ends_with(before, pos, p) for p in multi)):
                # Reached across a comma, the cue must be a list item: one that a separator or
                # the end of the clause follows within a word ("a procurement process or
                # ..."), or that "and"/"or" introduces. In "if they go without paying,
                # retargeting then chases them" the comma ends the negated phrase and a
                # clause of its own begins.
                if nearest_separator == "," and not self._ends_item(after_cue):
                    return False
                if word not in r.before_single:
                    return True
                if following == "been":  # "never been easier to ..." praises
                    after = before[pos + 2] if pos + 2 <= last else first
                    if after in r.never_been_praise:
                        return False
                return following not in r.not_negating_next
        return False

    def _ends_item(self, after_cue: list[str] | None) -> bool:
        """Whether the (up to) two words after a cue close it as a list item."""
        if after_cue is None or len(after_cue) < 2:
            return True
        r = self.rules
        return any(w in _LIST_SEPARATORS or w in r.breakers or w in r.closers for w in after_cue)

    def _negated_list_intro(self, clause: list[str]) -> bool:
        """Whether the clause before a colon is "you won't need ..." or "no ... required", so
        the list after the colon is negated."""
        r = self.rules
        seen_need = False
        for word in reversed(clause[-r.window:]):
            if word in r.breakers:
                return False
            if word in r.list_intro:
                seen_need = True
            elif seen_need and word in r.before_single:
                return True
        return False

    def _contrast_before(self, before: list[str]) -> bool:
        r = self.rules
        # Words since the last comma passed (or the cue) other than and/or/a/the: a comma
        # ends the contrast unless what follows it is a short list item.
        content = 0
        comma: int | None = None  # the comma nearest the marker, once one is passed
        for pos in range(len(before) - 1, -1, -1):
            word = before[pos]
            if word in r.breakers:
                return False
            if word == ",":
                following = before[pos + 1] if pos + 1 < len(before) else ""
                if content > 1 or following in r.comma_breakers:
                    return False
                content, comma = 0, pos
                continue
            if word not in _LIST_GLUE:
                content += 1
            multi = r.contrast_multi.get(word)
            if word in r.contrast_single or (multi and any(_ends_with(before, pos, p)
                                                           for p in multi)):
                # "Unlike big suites, SSO is free here": that comma closed the marker's own
                # short phrase, and what follows it is the copy's own claim.
                return comma is None or comma - pos > 4
        return False

    def _negator_after(self, after: list[str]) -> bool:
        r = self.rules
        for pos in range(min(len(after), r.after_window)):
            word = after[pos]
            if word in r.breakers and word != "?":
                # "SSO? Not required." crosses the question mark; other breakers end the scope.
                return False
            multi = r.after_multi.get(word)
            if multi and any(_starts_with(after, pos, p) for p in multi):
                return True
        return False

    def _parse_negated(self, span: Span) -> bool:
        """Dependency view: a negation attached to the cue or to the verb that governs it."""
        token = span.root
        # A negation inside the cue is the cue's own wording ("no credit card needed"), not
        # a denial of it.
        lo, hi = span.start, span.end
        # The "no" of a noun reaches a noun joined to it by "or" ("no SSO or SCIM"), not one
        # joined by "and" ("no setup fees, and SSO is included").
        det_reaches = True
        doc, skip = span.doc, self.rules.not_negating_next

        def negates(child: Token) -> bool:
            if lo <= child.i < hi or (child.i + 1 < len(doc) and doc[child.i + 1].lower_ in skip):
                return False  # also "we don't just offer SSO"
            if (child.i + 2 < len(doc) and doc[child.i + 1].lower_ == "been"
                    and doc[child.i + 2].lower_ in self.rules.never_been_praise):
                return False  # "it has never been easier to start"
            return child.dep_ == "neg" or (det_reaches and child.dep_ == "det"
                                           and child.lower_ in ("no", "zero"))

        # The subject or an address ("A freelancer doesn't...", "Ladies, it doesn't...") is
        # not what the verb's negation denies.
        if token.dep_ in _OUTSIDE_NEGATION:
            return any(negates(c) for c in token.children)
        for node in (token, *token.ancestors):
            if any(negates(child) for child in node.children):
                return True
            if node.dep_ == "pobj" and node.head.lower_ in ("without", "unlike", "minus"):
                return True
            if node.pos_ in ("VERB", "AUX") and node is not token:
                return False
            if node.dep_ == "conj" and not any(c.dep_ == "cc" and c.lower_ in ("or", "nor")
                                               for c in node.head.children):
                det_reaches = False
            # A comma before a command or a pronoun starts a clause of its own, as in the words
            # view, however the parser attached it ("No spam, unsubscribe with one click").
            edge = node.left_edge
            if (edge.i > 0 and doc[edge.i - 1].text == ","
                    and edge.lower_ in self.rules.comma_breakers):
                return False
        return False
