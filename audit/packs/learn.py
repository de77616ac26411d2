"""Propose a persona pack from two sets of texts (``antipersona personas learn``).

The words of one side (refund requests, churn notes, leads that went nowhere) are compared with
the words of the other (happy customers) by the log-odds ratio with an informative Dirichlet
prior of Monroe, Colaresi & Quinn (2008, "Fightin' Words"), on document frequencies: a term
counts once per document that uses it, so one long rant does not make a term.

For a term w with document frequency y in the ``anti`` side and x in the ``against`` side,
n and m the sums of all terms' document frequencies on each side, a_w the prior for w and
a0 the prior's total:

    delta_w = log((y + a_w) / (n + a0 - y - a_w)) - log((x + a_w) / (m + a0 - x - a_w))
    var_w  ~= 1 / (y + a_w) + 1 / (x + a_w)
    z_w     = delta_w / sqrt(var_w)

The prior is the pooled document frequencies scaled to the total a0 (by default the number of
distinct terms, so a term gets on average one pseudo-document), which shrinks rare terms
toward no difference. Terms are the lemmas of the project's fast spaCy pipeline (the lookup
lemmatiser packs are matched with), as single words and two-word phrases; stop words,
punctuation and tokens without a letter are skipped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import InputError

#: Below this many documents on a side, the figures are shaky (the CLI warns).
FEW_DOCS = 50
DOC_SUFFIXES = (".txt", ".md", ".markdown", ".text")


# --- reading the two sides -------------------------------------------------------------------

def read_documents(path: Path) -> list[str]:
    """Documents from a .txt (one a line), a .csv/.jsonl/.yaml/.json with a ``text`` field, or
    a folder of .txt/.md files (one document a file). InputError naming the file otherwise.
    Empty documents are left out (see :func:`read_side` for which)."""
    return read_side(path).docs


@dataclass(slots=True)
class Side:
    """One side's documents, and the empty ones left out (files of a folder, or the lines of
    records whose ``text`` is blank), each named as the user can find it."""

    docs: list[str]
    empty: list[str] = field(default_factory=list)
    #: Files of a folder that could not be read (binary, not text), each with why.
    unreadable: list[str] = field(default_factory=list)

    def warnings(self, path: Path) -> list[str]:
        return [f"{path}: skipped {len(names)} {what}: {_shown(names)}"
                for what, names in (("empty document(s)", self.empty),
                                    ("file(s) that could not be read", self.unreadable)) if names]


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def read_side(path: Path) -> Side:
    """:func:`read_documents` with the empty documents it left out."""
    from ..sources.folders import walk_folder
    from ..sources.records import RECORD_SUFFIXES, read_records, read_text_file, text_field

    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    if path.is_dir():
        side = Side([])
        walk = walk_folder(path, DOC_SUFFIXES)
        side.unreadable.extend(f"{p.source} ({p.error})" for p in walk.unreadable)
        for file in walk.files:
            try:
                text = "" if _is_empty_file(file) else read_text_file(file).strip()
            except InputError as exc:  # one bad file: the rest of the folder is still read
                side.unreadable.append(f"{file.relative_to(path)} ({exc.message})")
                continue
            if text:
                side.docs.append(text)
            else:
                side.empty.append(str(file.relative_to(path)))
        if not side.docs:
            raise InputError(str(path), "no .txt or .md files with text in this folder")
        return side
    suffix = path.suffix.lower()
    side = Side([])
    if suffix in RECORD_SUFFIXES:
        for n, rec in read_records(path):
            text = rec.get("text")
            if isinstance(text, str) and not text.strip():
                side.empty.append(f"{path.name}:{n}")
            else:
                side.docs.append(text_field(rec, path, n))
    elif suffix in DOC_SUFFIXES or not suffix:
        side.docs = [line.strip() for line in read_text_file(path).splitlines() if line.strip()]
    else:
        raise InputError(str(path), f"unknown file type '{suffix}' (use .txt with one document a "
                                    "line, .csv or .jsonl with a 'text' field, or a folder)")
    if not side.docs:
        raise InputError(str(path), "no documents (the file holds no text)")
    return side


def _is_empty_file(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False  # read_text_file names the problem


# --- terms -----------------------------------------------------------------------------------

@dataclass(slots=True)
class _DocTerms:
    """The distinct terms of one document, with where each first occurs (character span)."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, surface: str, start: int, end: int) -> None:
        if key not in self.spans:
            self.spans[key] = (start, end)
            self.surface[key] = surface


#: (lemma, surface, start, end, content word?) of one word in a document.
_Word = tuple[str, str, int, int, bool]


def _words(doc, stop: frozenset[str] | set[str]) -> list[_Word | None]:  # type: ignore[no-untyped-def]
    """A document's words in order, None where a run of words breaks (punctuation, a new
    sentence). A hyphen inside a word joins its neighbours: "sign-off" is one content word."""
    out: list[_Word | None] = []
    i = 0
    while i < len(doc):
        tok = doc[i]
        if i and tok.is_sent_start:
            out.append(None)
        prev = out[-1] if out else None
        if (tok.text == "-" and prev is not None and not doc[i - 1].whitespace_
                and not tok.whitespace_ and i + 1 < len(doc) and doc[i + 1].is_alpha):
            nxt = doc[i + 1]
            out[-1] = (f"{prev[0]}-{nxt.lemma_.lower()}", f"{prev[1]}-{nxt.lower_}", prev[2],
                       nxt.idx + len(nxt), True)
            i += 2
            continue
        if tok.is_punct or tok.is_space or not any(c.isalpha() for c in tok.text):
            out.append(None)
        else:
            lemma = tok.lemma_.lower()
            content = not tok.is_stop and lemma not in stop and len(tok.text) > 1
            out.append((lemma, tok.lower_, tok.idx, tok.idx + len(tok), content))
        i += 1
    return out


def extract_terms(texts: Sequence[str]) -> list[_DocTerms]:
    """Each text's distinct terms: lemmas of content words (not stop words, not numbers), and
    pairs of adjacent content words within a sentence ("refund request")."""
    from ..analyze.nlp import build_fast
    from ..analyze.typography import normalise

    nlp = build_fast()
    out = []
    # As the packs are matched: typography folded, control characters and escape codes blanked
    # (so no term is "\x7fchargeback").
    for doc in nlp.pipe((normalise(t).text for t in texts), batch_size=256):
        terms = _DocTerms()
        prev: _Word | None = None
        for word in _words(doc, nlp.Defaults.stop_words):
            if word is None or not word[4]:
                prev = None
                continue
            terms.add(*word[:4])
            if prev is not None:
                terms.add(f"{prev[0]} {word[0]}", f"{prev[1]} {word[1]}", prev[2], word[3])
            prev = word
        out.append(terms)
    return out


# --- the statistic ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TermScore:
    term: str
    z: float
    delta: float
    df_anti: int
    df_against: int


def log_odds_z(anti: Counter[str], against: Counter[str], prior_total: float | None = None
               ) -> dict[str, tuple[float, float]]:
    """(delta, z) per term from document frequencies on each side (see the module's docstring);
    positive z leans to ``anti``. ``prior_total`` is a0 (default: the number of terms)."""
    vocab = set(anti) | set(against)
    if not vocab:
        return {}
    n, m = sum(anti.values()), sum(against.values())
    pooled = n + m
    a0 = float(prior_total) if prior_total is not None else float(len(vocab))
    out = {}
    for w in vocab:
        y, x = anti.get(w, 0), against.get(w, 0)
        a = a0 * (y + x) / pooled
        delta = (math.log((y + a) / (n + a0 - y - a)) - math.log((x + a) / (m + a0 - x - a)))
        var = 1.0 / (y + a) + 1.0 / (x + a)
        out[w] = (delta, delta / math.sqrt(var))
    return out


# --- the proposal ----------------------------------------------------------------------------

@dataclass(slots=True)
class Proposal:
    terms: list[TermScore]
    surface: dict[str, str]
    examples: dict[str, list[str]]
    n_anti: int
    n_against: int
    warnings: list[str]


def propose(anti_docs: Sequence[str], against_docs: Sequence[str], *, top: int = 40,
            min_df: int = 3, min_z: float = 1.96, prior_total: float | None = None) -> Proposal:
    """The terms that lean most to ``anti_docs``: z at least ``min_z``, used in at least
    ``min_df`` of its documents, strongest first (a phrase before its words on a tie), at most
    ``top``, without terms that add nothing to those before them (see ``_redundant``)."""
    warnings = [f"only {len(docs)} document(s) on the {side} side; with fewer than about "
                f"{FEW_DOCS} the ranking is shaky, read it as a first draft"
                for side, docs in (("anti", anti_docs), ("against", against_docs))
                if len(docs) < FEW_DOCS]
    a_terms, b_terms = extract_terms(anti_docs), extract_terms(against_docs)
    df_a = Counter(k for t in a_terms for k in t.spans)
    df_b = Counter(k for t in b_terms for k in t.spans)
    scores = log_odds_z(df_a, df_b, prior_total)
    ranked = sorted((TermScore(w, z, d, df_a.get(w, 0), df_b.get(w, 0))
                     for w, (d, z) in scores.items() if z >= min_z and df_a.get(w, 0) >= min_df),
                    key=lambda s: (-round(s.z, 9), -len(s.term.split()), s.term))
    chosen: list[TermScore] = []
    for s in ranked:
        if len(chosen) >= top:
            break
        if not _redundant(s, chosen):
            chosen.append(s)
    surface: dict[str, str] = {}
    examples: dict[str, list[str]] = {}
    for s in chosen:
        forms: Counter[str] = Counter()
        snippets: list[str] = []
        for text, terms in zip(anti_docs, a_terms, strict=True):
            if s.term in terms.spans:
                forms[terms.surface[s.term]] += 1
                if len(snippets) < 3:
                    snippets.append(snippet(text, *terms.spans[s.term]))
        surface[s.term] = _written_form(s.term, forms)
        examples[s.term] = snippets
    return Proposal(chosen, surface, examples, len(anti_docs), len(against_docs), warnings)


def _redundant(term: TermScore, chosen: list[TermScore]) -> bool:
    """A phrase holding a word already chosen (which scored at least as high) adds nothing a
    pack would match; a word is left out when chosen phrases holding it cover most of its
    documents ("price" beside "price match" in as many documents)."""
    words = term.term.split()
    if len(words) > 1:
        return any(c.term in words for c in chosen)
    return any(term.term in c.term.split() and c.df_anti >= 0.8 * term.df_anti for c in chosen)


def _written_form(key: str, forms: Counter[str]) -> str:
    """How a term is written in the pack: a single word as its lemma when the lemmatiser maps
    the lemma to itself (so a pack matches every inflection), else its most common form; a
    phrase as its most common form (phrases are matched on lemmas too)."""
    if " " not in key and "-" not in key:
        from ..analyze.nlp import _lemma_table

        if _lemma_table().get(key, key) == key:
            return key
    return forms.most_common(1)[0][0] if forms else key


def snippet(text: str, start: int, end: int, width: int = 70) -> str:
    """About ``width`` characters of ``text`` around [start, end), on one line, cut between
    words."""
    pad = max(0, (width - (end - start)) // 2)
    lo, hi = max(0, start - pad), min(len(text), end + pad)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    out = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + out + ("…" if hi < len(text) else "")


# --- writing the pack ------------------------------------------------------------------------

STRONG_Z = 3.29  # two-sided p < 0.001


def render_pack(proposal: Proposal, *, pack_id: str, name: str | None = None,
                kind: str = "anti-persona", anti_source: str = "", against_source: str = "",
                command: str = "") -> str:
    """The proposal as a pack file (YAML text) that ``personas lint`` accepts, marked
    ``status: proposed``, every term with its z-score, counts and examples as comments."""
    if not proposal.terms:
        raise ValueError("no terms to write")
    strong = [s for s in proposal.terms if s.z >= STRONG_Z]
    weaker = [s for s in proposal.terms if s.z < STRONG_Z]
    title = name or pack_id.replace("-", " ").capitalize()
    lines = [
        f"# Proposed by `antipersona personas learn` on {date.today().isoformat()}: a first draft",
        "# to review, not a finished pack. Terms are single words and two-word phrases that lean",
        f"# to {_comment(anti_source) or 'the first set'} ({proposal.n_anti} documents) against "
        f"{_comment(against_source) or 'the second'} ({proposal.n_against} documents),",
        "# ranked by the log-odds ratio with an informative Dirichlet prior on document",
        "# frequencies (Monroe, Colaresi & Quinn 2008). After each term: its z-score, the",
        "# documents using it on each side, and up to three examples from the first set.",
        "# Delete what is topic rather than audience, move terms into named groups, add notes and",
        "# suggestions, then remove `status: proposed`.",
    ]
    if command:
        lines.append(f"# Command: {_comment(command)}")
    lines += [
        f"id: {pack_id}",
        f"name: {_q(title)}",
        f"kind: {kind}",
        'version: "0.1"',
        "status: proposed",
        "description: " + _q(f"Proposed from {anti_source or 'one set of texts'} against "
                             f"{against_source or 'another'}; review before use."),
        "cues:",
    ]
    for group, items, weight, why in (
            ("learned-strong", strong, 1.0, f"z >= {STRONG_Z}"),
            ("learned", weaker, 0.6, f"z below {STRONG_Z}")):
        if not items:
            continue
        lines += [f"  - group: {group}", f"    weight: {weight}",
                  f"    note: {_q(f'Proposed terms ({why}); review before use.')}",
                  "    terms:"]
        for s in items:
            lines.append(f"      - {_q(proposal.surface[s.term])}  # z {s.z:.2f}; "
                         f"{s.df_anti}/{proposal.n_anti} vs {s.df_against}/{proposal.n_against} docs")
            lines += [f"        #   e.g. {_comment(ex)}" for ex in proposal.examples[s.term]]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    import json

    return _NOT_IN_COMMENT.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                               else m.group(), json.dumps(text, ensure_ascii=False))


#: What YAML does not allow in a file, line breaks (U+0085, U+2028 ...) and what a terminal
#: would act on: none of it may reach a comment, or the pack would not read back.
_NOT_IN_COMMENT = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufeff\uff00-\ufffd"
                             "\U00010000-\U0010ffff]")


def _comment(text: str) -> str:
    """Text for one comment line: one line, nothing YAML or a terminal would stumble on."""
    return re.sub(r"\s+", " ", _NOT_IN_COMMENT.sub(" ", text)).strip()


def check_pack_options(pack_id: str, kind: str) -> None:
    """ValueError for an id or kind a pack may not have."""
    from .lexicon import _ID_RE, KINDS

    if not _ID_RE.match(pack_id):
        raise ValueError(f"--id '{pack_id}' must be lower-case letters, digits and hyphens")
    if kind not in KINDS:
        raise ValueError(f"unknown --kind '{kind}' (use {', '.join(KINDS)})")


def learn_pack(anti: Path, against: Path, *, pack_id: str, name: str | None = None,
               kind: str = "anti-persona", top: int = 40, min_df: int = 3,
               prior_total: float | None = None, command: str = "") -> tuple[str, Proposal]:
    """Read both sides, rank the terms and render the pack: (YAML text, the proposal).
    InputError for unreadable input, ValueError for a bad id or kind or when no term leans
    to the first side."""
    check_pack_options(pack_id, kind)
    anti_side, against_side = read_side(anti), read_side(against)
    proposal = propose(anti_side.docs, against_side.docs, top=top, min_df=min_df,
                       prior_total=prior_total)
    proposal.warnings[:0] = [*anti_side.warnings(anti), *against_side.warnings(against)]
    if not proposal.terms:
        raise ValueError(f"no term leans clearly to {anti} (z >= 1.96 in at least {min_df} "
                         "documents); add documents or lower --min-df")
    text = render_pack(proposal, pack_id=pack_id, name=name, kind=kind, anti_source=anti.name,
                       against_source=against.name, command=command)
    return text, proposal
