"""spaCy's ``attribute_ruler`` applied with token arrays: the same annotations, a fraction of
the time.

A trained English pipeline maps fine-grained tags to coarse POS and morphology, and fixes a
few lemmas, with an AttributeRuler of some 180 Matcher rules. It runs every rule at every
token, and rules with ``IN`` lists call back into Python per token: about a fifth of the
trained pipeline's time (en_core_web_sm). Nearly all of its rules test one token on a few attributes (tag,
lower-case form, dependency label, is-space), so their outcome depends only on those values:
this component works it out once per distinct combination (remembered across docs) and looks
it up per token. Rules of any other shape still go through spaCy's Matcher, and precedence
is spaCy's: for each attribute, the last rule that matches a token wins.

Built from the loaded ruler (:func:`use_array_ruler`); a ruler that sets anything but
POS, TAG, MORPH, LEMMA and DEP is left as it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

#: Token attributes a one-token rule may test here, with the values they are compared as.
_TESTED = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "TAG": TAG, "DEP": DEP,
           "IS_SPACE": IS_SPACE}
#: What the rules may set (spaCy's own ids for them).
_SET = (POS, TAG, MORPH, LEMMA, DEP)
#: Distinct attribute combinations remembered (tens of MB at most; a 100,000-word text holds
#: some 5,000).
_MAX_CACHED = 200_000

# One test: column, allowed values (None: any), values excluded.
_Test = tuple[int, frozenset[int] | None, frozenset[int]]


class ArrayAttributeRuler:
    """Applies an AttributeRuler's rules (see the module docstring)."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        strings = ruler.vocab.strings
        self._cols: list[int] = []
        #: Per one-token rule: (rule number, alternatives, each a list of tests).
        self._simple: list[tuple[int, list[list[_Test]]]] = []
        self._other = Matcher(ruler.vocab, validate=False)
        self._sets: list[tuple[tuple[int, int], ...]] = []
        for i, attrs in enumerate(ruler.attrs):
            self._sets.append(tuple((attr, int(value)) for attr, value in attrs.items()))
            patterns = ruler.matcher.get(strings[str(i)])[1]
            alternatives = [self._tests(p) for p in patterns]
            if all(a is not None for a in alternatives) and ruler.indices[i] in (0, -1):
                self._simple.append((i, alternatives))  # type: ignore[arg-type]
            else:
                self._other.add(str(i), patterns)
        self._has_other = len(self._other) > 0
        # Each one-token rule filed under a value that one of its tests requires, so a new
        # combination of values tries only the rules that can match it.
        self._by_value: dict[tuple[int, int], list[int]] = {}
        self._unfiled: list[int] = []
        for pos, (_, alternatives) in enumerate(self._simple):
            for tests in alternatives:
                required = [(col, allowed) for col, allowed, _ in tests if allowed is not None]
                if not required:
                    self._unfiled.append(pos)
                    continue
                col, allowed = min(required, key=lambda r: len(r[1]))
                for value in allowed:
                    self._by_value.setdefault((col, value), []).append(pos)
        self._reset()

    @staticmethod
    def supports(ruler: AttributeRuler) -> bool:
        return all(set(attrs) <= set(_SET) for attrs in ruler.attrs)

    def _tests(self, pattern: list[dict[str, Any]]) -> list[_Test] | None:
        """A one-token pattern as column tests, or None when it is not one this can test."""
        if len(pattern) != 1:
            return None
        strings = self.ruler.vocab.strings
        tests: list[_Test] = []
        for key, value in pattern[0].items():
            attr = _TESTED.get(key.upper())
            if attr is None:
                return None
            if attr == IS_SPACE:
                if not isinstance(value, bool):
                    return None
                allowed, excluded = frozenset({int(value)}), frozenset()
            elif isinstance(value, str):
                allowed, excluded = frozenset({strings.add(value)}), frozenset()
            elif (isinstance(value, dict) and len(value) == 1
                  and next(iter(value)) in ("IN", "NOT_IN")
                  and all(isinstance(v, str) for v in next(iter(value.values())))):
                op, values = next(iter(value.items()))
                ids = frozenset(strings.add(v) for v in values)
                allowed, excluded = (ids, frozenset()) if op == "IN" else (None, ids)
            else:
                return None
            if attr not in self._cols:
                self._cols.append(attr)
            tests.append((self._cols.index(attr), allowed, excluded))
        return tests

    def _outcome(self, key: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """For tokens with these column values: the value each attribute of _SET gets from
        the one-token rules, and the number of the rule that set it (-1: none; the last
        matching rule wins, as in spaCy)."""
        values = [0] * len(_SET)
        rules = [-1] * len(_SET)
        candidates = set(self._unfiled)
        for col, value in enumerate(key):
            candidates.update(self._by_value.get((col, value), ()))
        for i, alternatives in (self._simple[pos] for pos in sorted(candidates)):
            if any(all((allowed is None or key[col] in allowed) and key[col] not in excluded
                       for col, allowed, excluded in tests) for tests in alternatives):
                for attr, value in self._sets[i]:
                    values[_SET.index(attr)] = value
                    rules[_SET.index(attr)] = i
        return tuple(values), tuple(rules)

    def _rows(self, columns: np.ndarray) -> np.ndarray:
        """Each token's row in the outcome tables, adding rows for combinations not seen yet."""
        get = self._cache.get
        keys = list(map(tuple, columns.tolist()))
        rows = [get(key) for key in keys]
        if None in rows:
            if len(self._cache) + len(rows) > _MAX_CACHED:
                self._reset()
                rows = [None] * len(keys)
            added = []
            for t, key in enumerate(keys):
                if rows[t] is None:
                    row = self._cache.get(key)
                    if row is None:
                        row = self._cache[key] = len(self._cache)
                        added.append(self._outcome(key))
                    rows[t] = row
            self._values = np.concatenate(
                [self._values, np.array([a[0] for a in added], dtype=np.uint64)])
            self._rules = np.concatenate(
                [self._rules, np.array([a[1] for a in added], dtype=np.int32)])
        return np.fromiter(rows, dtype=np.intp, count=len(rows))

    def _reset(self) -> None:
        """Forget the combinations seen (a bound on memory)."""
        self._cache: dict[tuple[int, ...], int] = {}
        self._values = np.zeros((0, len(_SET)), dtype=np.uint64)
        self._rules = np.zeros((0, len(_SET)), dtype=np.int32)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        width = len(_SET)
        columns = doc.to_array(self._cols).reshape(n, -1)
        if self._simple:
            rows = self._rows(columns)
            new, rules = self._values[rows], self._rules[rows]
        else:
            new = np.zeros((n, width), dtype=np.uint64)
            rules = np.full((n, width), -1, dtype=np.int32)
        if self._has_other:
            strings = doc.vocab.strings
            for match_id, start, end in self._other(doc, allow_missing=True):
                i = int(strings[match_id])
                index = self.ruler.indices[i]
                t = (start if index >= 0 else end) + index
                for attr, value in self._sets[i]:
                    col = _SET.index(attr)
                    if rules[t, col] < i:
                        rules[t, col] = i
                        new[t, col] = value
        changed = rules >= 0
        cols = np.flatnonzero(changed.any(axis=0))
        if len(cols):
            attrs = [_SET[c] for c in cols]
            values = doc.to_array(attrs).reshape(n, -1)
            mask = changed[:, cols]
            values[mask] = new[:, cols][mask]
            doc.from_array(attrs, values)
        return doc


@Language.factory("antipersona_attributes")
def make_attributes(nlp: Language, name: str) -> ArrayAttributeRuler:
    """Built beside the pipeline's attribute_ruler, from its rules (see use_array_ruler)."""
    return ArrayAttributeRuler(nlp.get_pipe("attribute_ruler"))


def use_array_ruler(nlp: Language) -> None:
    """Put :class:`ArrayAttributeRuler` in the place of the pipeline's attribute_ruler, when
    there is one and its rules set only what that applies."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    if isinstance(ruler, AttributeRuler) and ArrayAttributeRuler.supports(ruler):
        nlp.add_pipe("antipersona_attributes", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
