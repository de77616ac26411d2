"""Core value objects passed between the stages (fetch -> extract -> analyse -> score -> store).

They are plain dataclasses so every stage can be tested alone and the JSON contract in
DESIGN.md is a direct projection of them (see ``audit.report.json``).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Section roles a piece can carry. Extractors use these names; weights live in the config.
ROLES: tuple[str, ...] = (
    "title",
    "meta",
    "og",
    "heading",
    "hero",
    "headline",
    "subject",
    "preheader",
    "cta",
    "description",
    "body",
    "alt",
    "nav",
    "header",
    "footer",
    "aside",
    "banner",
)

#: Roles that are site chrome: shared by every page, counted once per site and low.
CHROME_ROLES: frozenset[str] = frozenset({"nav", "header", "footer", "aside", "banner"})

VERDICT_LABELS: tuple[str, ...] = ("on-target", "wrong-audience", "mixed", "risk", "neutral")
#: How each verdict reads to people, and its colour, in every report and in the app.
VERDICT_NAMES = {
    "on-target": "On target",
    "wrong-audience": "Wrong audience",
    "mixed": "Mixed",
    "risk": "Risk",
    "neutral": "Neutral",
}
VERDICT_COLORS = {
    "on-target": "#15803d",
    "wrong-audience": "#b91c1c",
    "mixed": "#b45309",
    "risk": "#9d174d",
    "neutral": "#64748b",
}
#: A pack's colour when it names none (or one that is not a #rrggbb colour).
DEFAULT_PACK_COLOR = "#64748b"


@dataclass(frozen=True, slots=True)
class Section:
    """One run of copy with the role it plays on the page (a headline counts more than body)."""

    role: str
    text: str

    def __reduce__(self) -> tuple[Any, ...]:
        # Pages cross from the fetch process by pickle, dozens of sections each: a tuple of
        # fields pickles and loads several times faster than a slots dataclass's state.
        return (Section, (self.role, self.text))


@dataclass(slots=True)
class Piece:
    """One item of content: a page, an email, an ad, a draft."""

    source: str
    sections: list[Section]
    channel: str = "landing"
    title: str = ""
    id: str = ""
    #: Free-form facts from the source (campaign, ad group, final URL, site host, ...).
    meta: dict[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Piece, (self.source, self.sections, self.channel, self.title, self.id, self.meta))

    def __post_init__(self) -> None:
        if not self.id:
            self.id = piece_id(self.source)
        if not self.title:
            for sec in self.sections:
                if sec.role in ("title", "headline", "subject", "heading") and sec.text.strip():
                    self.title = sec.text.strip()[:200]
                    break

    @property
    def text(self) -> str:
        """All section texts joined; offsets in evidence refer to this string."""
        return SECTION_SEPARATOR.join(s.text for s in self.sections)

    def warning_entries(self) -> list[dict[str, str]]:
        """What went wrong while reading it (meta ``warnings``: an email body lost to a MIME
        boundary) as the JSON report's ``warnings`` entries."""
        return [{"source": self.source, "warning": str(w)} for w in self.meta.get("warnings", ())]


#: Joins sections in ``Piece.text`` so sentences never run across a section boundary.
SECTION_SEPARATOR = "\n\n"


def piece_id(source: str) -> str:
    """A short stable id derived from the source, so the same URL keeps its id across runs."""
    return hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:12]


#: Evidence kinds that are notes on the whole piece (no place in the text, nothing to
#: rewrite in a sentence), shown apart from the cues: tone, and the wording lean.
NOTE_KINDS = frozenset({"tone", "lean"})
#: The evidence groups of the wording lean (audit.analyze.lean): one that decided the verdict,
#: and one that only ranks a piece no cue decides.
LEAN_GROUP = "lean:wording"
RANK_GROUP = "lean:rank"


def printed_note(ev: Mapping[str, Any]) -> bool:
    """Whether a report prints this evidence as a note under its piece: tone, and a wording
    lean that decided the verdict. One that only ranks stays in the JSON and the app's table
    of every cue: it says too little to print under every quiet piece."""
    return ev.get("kind") in NOTE_KINDS and ev.get("group") != RANK_GROUP


@dataclass(slots=True)
class Evidence:
    """One cue found in a piece, with everything needed to explain and fix it."""

    persona: str
    group: str
    text: str
    section: str
    start: int
    end: int
    weight: float
    negated: bool = False
    suggest: list[str] = field(default_factory=list)
    sentence: str = ""
    note: str = ""
    #: For a negated cue that a pack redirects: the persona it counted for instead.
    counts_for: str | None = None
    kind: str = "cue"  # cue | tone | lean (the wording as a whole): see NOTE_KINDS
    #: Why the sentence or page around the cue lowered its weight ("informational", "quoted",
    #: "template", "documentation", "policy", "release-notes", "explainer"), if it did.
    context: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        # Analysis workers send evidence back pickled (see Section.__reduce__).
        return (Evidence, (self.persona, self.group, self.text, self.section, self.start,
                           self.end, self.weight, self.negated, self.suggest, self.sentence,
                           self.note, self.counts_for, self.kind, self.context))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "persona": self.persona,
            "group": self.group,
            "text": self.text,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "weight": round(self.weight, 4),
            "negated": self.negated,
            "suggest": list(self.suggest),
            "sentence": self.sentence,
            "note": self.note,
            "kind": self.kind,
        }
        if self.counts_for:
            d["counts_for"] = self.counts_for
        if self.context:
            d["context"] = self.context
        return d


@dataclass(slots=True)
class Verdict:
    label: str
    persona: str | None = None
    #: Why: for ``mixed`` the clashing phrases; for the others a one-line reason.
    reason: str = ""
    clashes: list[str] = field(default_factory=list)
    #: A risk pack that also fired while an anti-persona clearly led the verdict.
    risk: str | None = None
    #: For ``neutral``: True when the piece holds too few cues to judge ("insufficient
    #: signal"), False when it holds cues and none of them is strong ("clean").
    insufficient: bool = False
    #: Set when no cue decided and the wording as a whole did (see audit.analyze.lean): the
    #: wording model's probability for the persona named; on a neutral verdict, its neutral
    #: probability where it overruled a verdict resting on about one cue.
    lean: float | None = None
    #: Set when the cues and the wording weighed together changed the verdict the rules drew
    #: (see audit.score.blend): the probability they give the verdict's label.
    weighed: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "persona": self.persona}
        if self.reason:
            d["reason"] = self.reason
        if self.clashes:
            d["clashes"] = list(self.clashes)
        if self.risk:
            d["risk"] = self.risk
        if self.lean is not None:
            d["lean"] = round(self.lean, 3)
        if self.weighed is not None:
            d["weighed"] = round(self.weighed, 3)
        if self.label == "neutral":
            d["signal"] = "insufficient" if self.insufficient else "clean"
        return d


@dataclass(slots=True)
class PieceResult:
    """The analysis of one piece: scores per persona in [0, 1], tone, evidence, verdict."""

    piece: Piece
    scores: dict[str, float]
    verdict: Verdict
    evidence: list[Evidence]
    tone: dict[str, float]
    words: int
    #: Per-sentence tone for the sentences that pull hardest (text, metrics, persona pulls).
    sentences: list[dict[str, Any]] = field(default_factory=list)
    #: :meth:`analysis_json`, when the analysis worker that finished the piece encoded it.
    encoded: str | None = None
    #: The analysis part of :meth:`summary`, when :meth:`shrink` dropped the evidence.
    brief: dict[str, Any] | None = None
    #: Repeats of a phrase past the listed ones (scoring.MAX_REPEATS): how many cues and their
    #: weight per persona, written in ``meta.evidence_folded``; None when nothing was folded.
    folded: dict[str, Any] | None = None

    def shrink(self) -> None:
        """Encode the analysis, keep what :meth:`summary` reads, and drop the rest (evidence,
        sentences, tone): for a result that crosses processes only to be written out, where
        pickling thousands of cues cost more than the JSON. ``to_dict`` still works."""
        self.encoded = self.analysis_json()
        self.brief = self._brief()
        self.evidence, self.sentences, self.tone = [], [], {}

    def to_dict(self) -> dict[str, Any]:
        if self.brief is not None:
            return json.loads(self.to_json())  # shrunk: the JSON is all there is
        return self._head() | {
            "words": self.words, "scores": _rounded(self.scores),
            "verdict": self.verdict.to_dict(), "evidence": [e.to_dict() for e in self.evidence],
            "tone": _rounded(self.tone), "sentences": self.sentences, "meta": self._meta()}

    def _meta(self) -> dict[str, Any]:
        meta = self.piece.meta
        return meta if self.folded is None else meta | {"evidence_folded": self.folded}

    def _head(self) -> dict[str, Any]:
        p = self.piece
        head = {"id": p.id, "source": p.source, "channel": p.channel, "title": p.title}
        # a client-rendered page whose copy was not read / was read in a browser (DESIGN)
        head.update({flag: True for flag in ("needs_render", "rendered") if p.meta.get(flag)})
        return head

    def analysis_json(self) -> str:
        """The analysis fields as compact JSON members (no braces), as ``compact_json`` writes
        them. A worker can make this without the piece, so the parent's share of encoding a
        report is small; evidence, most of a long piece's JSON, is written directly."""
        return "".join(self._analysis_parts())

    def _analysis_parts(self) -> list[str]:
        # Parts, joined once by the caller: a long page's JSON runs to megabytes.
        return [f'"words":{compact_json(self.words)},"scores":{compact_json(_rounded(self.scores))},'
                f'"verdict":{compact_json(self.verdict.to_dict())},"evidence":',
                *_evidence_parts(self.evidence),
                f',"tone":{compact_json(_rounded(self.tone))},'
                f'"sentences":{compact_json(self.sentences)}']

    def to_json(self) -> str:
        """``compact_json(to_dict())``, using :attr:`encoded` when a worker made it."""
        head = compact_json(self._head())
        body = [self.encoded] if self.encoded is not None else self._analysis_parts()
        return "".join([head[:-1], ",", *body, f',"meta":{compact_json(self._meta())}}}'])

    def summary(self) -> dict[str, Any]:
        """What a report's channel summary and ``--fail-on`` read of a piece: to_dict() with
        evidence cut down to persona, group, weight and negated, and without sentences."""
        return self._head() | (self.brief if self.brief is not None else self._brief())

    def _brief(self) -> dict[str, Any]:
        return {"words": self.words, "scores": _rounded(self.scores),
                "verdict": self.verdict.to_dict(),
                "evidence": [{"persona": e.persona, "group": e.group,
                              "weight": round(e.weight, 4), "negated": e.negated}
                             for e in self.evidence]}


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}


#: One encoder for every call: ``json.dumps`` with options builds a new one each time.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: Any) -> str:
    """JSON without spaces or ASCII escapes: what pipes and files get."""
    return _COMPACT.encode(value)


#: How ``compact_json`` writes a string (the C encoder when there is one).
_string = json.encoder.encode_basestring


#: (pack, group, note, kind) -> (suggestions, and the JSON around a cue's own fields).
_SHARED_JSON: dict[tuple[str, str, str, str], tuple[list[str], str, str, str]] = {}


def evidence_json(evidence: list[Evidence]) -> str:
    """``compact_json([e.to_dict() for e in evidence])``, written directly: what every cue of a
    group shares (pack, group, suggestions, note) is encoded once per process, and each
    sentence once, since pages hold many cues from a few dozen groups."""
    return "".join(_evidence_parts(evidence))


def _evidence_parts(evidence: list[Evidence]) -> list[str]:
    """:func:`evidence_json` in parts: "[", one per cue with the commas between, "]"."""
    shared = _SHARED_JSON
    if len(shared) > 4096:
        shared.clear()
    sentences: dict[str, str] = {}
    parts = []
    for e in evidence:
        key = (e.persona, e.group, e.note, e.kind)
        found = shared.get(key)
        if found is None or (found[0] is not e.suggest and found[0] != e.suggest):
            found = shared[key] = (
                e.suggest, f'{{"persona":{_string(e.persona)},"group":{_string(e.group)},"text":',
                compact_json(list(e.suggest)), f'{_string(e.note)},"kind":{_string(e.kind)}')
        _, head, suggest, tail = found
        sentence = sentences.get(e.sentence)
        if sentence is None:
            sentence = sentences[e.sentence] = _string(e.sentence)
        weight = round(e.weight, 4)
        weight_text = repr(weight) if math.isfinite(weight) else compact_json(weight)
        # The optional members, after "kind" as to_dict() puts them.
        extra = f',"counts_for":{_string(e.counts_for)}' if e.counts_for else ""
        if e.context:
            extra += f',"context":{_string(e.context)}'
        parts.append(
            f'{"," if parts else "["}{head}{_string(e.text)},"section":{_string(e.section)},'
            f'"start":{e.start:d},"end":{e.end:d},"weight":{weight_text},'
            f'"negated":{"true" if e.negated else "false"},"suggest":{suggest},'
            f'"sentence":{sentence},"note":{tail}{extra}}}')
    parts.append("]" if parts else "[]")
    return parts


@dataclass(slots=True)
class InputProblem:
    """A bad input named in one line, the batch carrying on (DESIGN: errors in the report)."""

    source: str
    error: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "error": self.error}


def now_iso() -> str:
    """The time a run or an entry is stamped with: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_run_id(prefix: str | None = None) -> str:
    """Sortable and short: 20261122-214501-ab12 (UTC time + random suffix), after ``prefix-``
    when given (``check-...`` for a check's report, which is never stored)."""
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    return f"{prefix}-{stamp}" if prefix else stamp
