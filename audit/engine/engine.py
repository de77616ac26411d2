"""The analysis engine: pieces in, results out. Load once, check many.

``Engine`` holds the spaCy pipeline, the compiled packs and the tone counter. The CLI, the
Streamlit app and audit runs all call :meth:`Engine.check_piece` / :meth:`Engine.check_pieces`;
nothing else scores.

spaCy and everything built on it load on first use (:meth:`Engine.load` forces it): a large
check hands the analysis to worker processes that load it themselves (see :mod:`audit.engine.workers`),
so the process reading the input and writing the report never does.
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing as mp
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from ..analyze.docpages import DocRules, doc_rules, terms_rules
from ..analyze.language import context_rules
from ..analyze.lean import (
    MAX_CHARS,
    NEUTRAL,
    RANK_MIN,
    RANK_SHARE,
    SWITCH_LEAN,
    WEAK_VERDICT,
    Lean,
    LeanModel,
    Reading,
    shipped_model,
)
from ..analyze.lean import MAX_WORDS as LEAN_MAX_WORDS
from ..analyze.lean import MIN_WORDS as LEAN_MIN_WORDS
from ..analyze.pagekinds import page_kind
from ..analyze.profiles import resolve_model
from ..analyze.templates import TemplateRules, template_rules
from ..analyze.tonecounts import COL, COLUMNS, metrics, reading_grade
from ..analyze.typography import normalised_piece, to_original
from ..config import Config
from ..errors import ConfigError, InputError
from ..excerpt import MAX_SENTENCE_CHARS, excerpt
from ..extract.textsplit import looks_like_markdown, split_markdown, split_plain
from ..models import (
    CHROME_ROLES,
    LEAN_GROUP,
    RANK_GROUP,
    SECTION_SEPARATOR,
    Evidence,
    Piece,
    PieceResult,
    Section,
    Verdict,
)
from ..packs.lexicon import Persona, load_packs
from ..score.blend import MIN_SWITCH, BlendModel, shipped_blend
from ..score.scoring import (
    cap_tone_alone,
    decide,
    fold_repeats,
    intensities,
    to_intensity,
    to_score,
    tone_evidence,
    weigh_evidence,
)
from .batching import (
    _GROUP_END,
    CHUNK_CHARS,
    _Member,
    _Partial,
    _Sentence,
    _Task,
    piece_chunks,
)
from .parallel import _parallel

if TYPE_CHECKING:  # spaCy is loaded where text is analysed: see Engine._built
    from ..analyze.matching import CueMatcher, Hit
    from ..analyze.negation import Negator
    from ..analyze.nlp import Pipeline
    from ..analyze.tone import ToneAnalyzer

#: The trained profile parses chunks this short, each of one piece, and analyses a batch of
#: them joined into one doc (see Engine._joined).
TRAINED_CHUNK_CHARS = 2_000
#: Above this many characters in one call, check_pieces uses a second process (when allowed).
PARALLEL_MIN_CHARS = 100_000
#: In this process, docs go through the pipeline in batches of about this many characters
#: (or fewer, when the input pauses: see check_pieces).
SERIAL_BATCH_CHARS = 20_000
_TOP_SENTENCES = 8
#: With workers, a pause in the input (a None) sends on what has waited at least this long:
#: a slow, polite crawl still sees its pages stored within seconds, a fast one in full batches.
FLUSH_SECONDS = 1.0


def site_of(piece: Piece) -> str:
    host = piece.meta.get("host")
    if host:
        return str(host)
    try:
        return urlsplit(piece.source).hostname or ""
    except ValueError:
        return ""


def chrome_key(site: str, section: Section) -> str:
    """The extractor's key for a chrome block, scoped to its site."""
    from ..extract.html import chrome_key as extract_chrome_key  # lxml: only pages have chrome

    return f"{site}\x00{extract_chrome_key(section.role, section.text)}"


#: ``taken_back(start, end, sentence, words, limit)``: see Engine._taken_back.
_TakenBack = Callable[[int, int, int, list[str], int], bool]
#: What a page kind (see pagekinds) says in a neutral verdict's reason.
_PAGE_KINDS = {
    "policy": "legal terms or a policy statement, by its title: it states rules and rights, so "
              "its cues count a tenth",
    "release-notes": "release notes, by its title: it reports what changed, so its cues count a "
                     "tenth",
    "explainer": "an explainer, by its title: it defines a term for whoever asks, so its cues "
                 "count a tenth",
}


@dataclass(slots=True)
class _Judged:
    """A piece between its cues' verdict and its result (see Engine._finish_all)."""

    acc: _Partial
    tone: dict[str, float]
    words: int
    kind: str | None
    raw: dict[str, float]
    scores: dict[str, float]
    cue_scores: dict[str, float]
    verdict: Verdict
    blend: BlendModel | None
    weak: bool
    judged: bool
    reads: bool


class Engine:
    """Packs + settings, and the pipeline once loaded. Thread-compatible for reading; build one
    per process."""

    def __init__(self, config: Config | None = None, personas: list[Persona] | None = None,
                 model: str | None = None, pipeline: Pipeline | None = None) -> None:
        self.config = config or Config()
        #: The wording-lean model (see audit.analyze.lean); None: the shipped one, read when a
        #: piece first needs it. Cross-validation sets each fold's model here.
        self.lean_model: LeanModel | None = None
        #: The model that weighs cues and wording together (see audit.score.blend); None: the
        #: shipped one. Cross-validation sets each fold's model here.
        self.blend_model: BlendModel | None = None
        #: The last blend model :attr:`_blend` checked, and whether it fits these packs.
        self._blend_fits: tuple[BlendModel, bool] | None = None
        self.personas = personas if personas is not None else load_packs(self.config.personas or None)
        ids = {p.id: p for p in self.personas}
        target = ids.get(self.config.target)
        if target is None:
            raise ConfigError(f"target persona '{self.config.target}' is not among the packs "
                              f"in use ({', '.join(ids) or 'none'})")
        if target.kind != "persona":
            article = "an" if target.kind[0] in "aeiou" else "a"
            raise ConfigError(f"target '{target.id}' is {article} {target.kind} pack; the target "
                              f"must be of kind persona")
        if pipeline is not None:
            self._profile, self._model = pipeline.profile, pipeline.model
        else:
            self._profile, self._model = resolve_model(model or self.config.model)
        self._pipeline = pipeline
        self._analysers: tuple[CueMatcher, ToneAnalyzer, Negator] | None = None
        self._building = threading.Lock()
        self._weights = self.config.section_weights
        # The trained pipeline's network slows down on very long docs: feed it paragraphs.
        self._chunk_chars = CHUNK_CHARS if self.profile == "fast" else TRAINED_CHUNK_CHARS
        # It also reads a few words of context either side: a piece parsed beside another
        # could be tagged differently than alone. So trained docs hold one piece each, and are
        # joined after parsing (see _joined).
        self._join_parsed = self.profile != "fast"
        self._advice = {(p.id, g.group): (list(g.suggest), g.note)
                        for p in self.personas for g in p.cues}
        #: Personas a wording lean may name (the target and the anti-persona and risk packs),
        #: none when the lean is off.
        self._lean_allowed = [] if self.config.thresholds.lean >= 1 else [
            p.id for p in self.personas if p.kind != "persona" or p.id == self.config.target]
        #: Risk packs: the lean names one only when the piece's content words lean to it too.
        self._lean_careful = frozenset(p.id for p in self.personas if p.kind == "risk")

    # -- public API -------------------------------------------------------------------------

    def load(self) -> Engine:
        """Load spaCy and build the cue matcher and tone counter now rather than at the first
        check (for a long-lived engine, so that no user waits for it). The wording and blend
        models too, where the lean is on: a worker that loads them before the others are
        forked reads them once for all (about a tenth of a second)."""
        self._built()
        if self._lean_allowed:
            _ = self.lean_model or shipped_model(), self._blend
        return self

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            with self._building:
                if self._pipeline is None:
                    from ..analyze.spacyload import import_spacy

                    import_spacy()
                    from ..analyze.nlp import build_pipeline

                    self._pipeline = build_pipeline("fast" if self._profile == "fast" else self._model)
        return self._pipeline

    @property
    def matcher(self) -> CueMatcher:
        return self._built()[0]

    @property
    def tone(self) -> ToneAnalyzer:
        return self._built()[1]

    @property
    def negator(self) -> Negator:
        return self._built()[2]

    def _built(self) -> tuple[CueMatcher, ToneAnalyzer, Negator]:
        """Built on first use, in the process that analyses."""
        if self._analysers is None:
            pipeline = self.pipeline
            with self._building:
                if self._analysers is None:
                    from ..analyze.matching import CueMatcher
                    from ..analyze.negation import Negator
                    from ..analyze.tone import ToneAnalyzer

                    nlp = pipeline.nlp
                    self._analysers = (CueMatcher(nlp, self.personas), ToneAnalyzer(nlp),
                                       Negator(use_parse=pipeline.has_parser))
        return self._analysers

    @property
    def profile(self) -> str:
        """``fast`` or ``trained``: known without loading spaCy."""
        return self._profile

    @property
    def model(self) -> str:
        """The pipeline's name (``blank:en`` or the trained package): known without loading it."""
        return self._model

    def persona(self, pid: str) -> Persona | None:
        return next((p for p in self.personas if p.id == pid), None)

    def piece_from_text(self, text: str, *, channel: str = "draft", source: str = "<draft>",
                        markdown: bool | None = None) -> Piece:
        is_md = looks_like_markdown(text) if markdown is None else markdown
        sections = split_markdown(text) if is_md else split_plain(text)
        return Piece(source=source, sections=sections, channel=channel)

    def check_text(self, text: str, channel: str = "draft", source: str = "<draft>") -> PieceResult:
        """Check one draft: split into sections, analyse, score."""
        if channel not in self.config.channels:
            raise InputError(source, f"unknown channel '{channel}' (known: "
                                      f"{', '.join(self.config.channels)})")
        return self.check_piece(self.piece_from_text(text, channel=channel, source=source))

    def check_piece(self, piece: Piece) -> PieceResult:
        return next(iter(self.check_pieces([piece], n_process=1)))

    def check_pieces(self, pieces: Iterable[Piece | None], *, n_process: int | None = None,
                     chrome_seen: set[str] | None = None, batch_chars: int = 50_000,
                     expect_chars: int = 0, encode: bool = False) -> Iterator[PieceResult]:
        """Analyse pieces, yielding results in order as soon as each is done. Small pieces are
        analysed together in one doc; a ``None`` in the stream says "nothing more for now":
        what is waiting is analysed at once. Site chrome already in ``chrome_seen`` is not
        counted again. ``n_process=None`` hands the rest of the stream to a second process
        once the input has proved large enough to pay for it (at once when the caller
        ``expect_chars`` that much, e.g. from file sizes); 1 keeps everything here.
        ``encode``: workers encode the pieces they finish and send back only that JSON and
        the summary (see :meth:`PieceResult.shrink`)."""
        for group in self.check_groups(pieces, n_process=n_process, chrome_seen=chrome_seen,
                                       batch_chars=batch_chars, expect_chars=expect_chars,
                                       encode=encode):
            yield from group

    def check_groups(self, pieces: Iterable[Piece | None], *, n_process: int | None = None,
                     chrome_seen: set[str] | None = None, batch_chars: int = 50_000,
                     expect_chars: int = 0, encode: bool = False
                     ) -> Iterator[list[PieceResult]]:
        """:meth:`check_pieces`, with the results that became ready together (one analysed
        batch) handed over as one list: an audit stores each list in one transaction."""
        group: list[PieceResult] = []
        for result in self._results(pieces, n_process, chrome_seen, batch_chars, expect_chars,
                                    encode):
            if result is not _GROUP_END:
                group.append(result)
            elif group:
                yield group
                group = []
        if group:
            yield group

    def _results(self, pieces: Iterable[Piece | None], n_process: int | None,
                 chrome_seen: set[str] | None, batch_chars: int, expect_chars: int,
                 encode: bool) -> Iterator[Any]:
        """Results in order, with :data:`_GROUP_END` after each analysed batch's."""
        waiting: dict[int, Piece] = {}
        # How long a piece may wait before a None sends it on: in this process, not at all, so
        # a slow stream never holds a finished page back; with workers, FLUSH_SECONDS, since
        # smaller docs and batches cost more per word there (see _tasks).
        flush = [0.0]
        stream = self._tasks(self._chrome_filtered(pieces, chrome_seen), waiting, flush)
        parallel = n_process != 1 and "fork" in mp.get_all_start_methods()
        done = [expect_chars]  # analysed here, or announced: decides when the workers start

        def serial() -> Iterator[_Partial]:
            if parallel and done[0] >= PARALLEL_MIN_CHARS:
                return
            # A few docs per nlp.pipe call: the trained pipeline's network works in batches.
            batch: list[_Task] = []
            size = 0
            for task in itertools.chain(stream, [None]):
                if task is not None:
                    batch.append(task)
                    size += len(task.text)
                    if size < SERIAL_BATCH_CHARS:
                        continue
                if batch:
                    yield from self._analyse(batch)
                    yield _GROUP_END
                    done[0] += size
                    batch, size = [], 0
                if parallel and done[0] >= PARALLEL_MIN_CHARS:
                    return

        def rest() -> Iterator[_Partial]:
            if parallel and done[0] >= PARALLEL_MIN_CHARS:
                flush[0] = FLUSH_SECONDS
                yield from _parallel(self, stream, n_process or 2, batch_chars, encode)

        yield from self._assemble(itertools.chain(serial(), rest()), waiting)

    # -- internals ------------------------------------------------------------------------

    def _chrome_filtered(self, pieces: Iterable[Piece | None], seen: set[str] | None
                         ) -> Iterator[Piece | None]:
        for piece in pieces:
            if piece is not None:
                self._drop_repeated_chrome(piece, seen)
            yield piece

    def _drop_repeated_chrome(self, piece: Piece, seen: set[str] | None) -> None:
        """Chrome (nav, footer...) is shared by every page of a site: count it on its first page."""
        if seen is None or not any(s.role in CHROME_ROLES for s in piece.sections):
            return
        site = site_of(piece)
        kept: list[Section] = []
        dropped = 0
        for sec in piece.sections:
            if sec.role in CHROME_ROLES:
                key = chrome_key(site, sec)
                if key in seen:
                    dropped += 1
                    continue
                seen.add(key)
            kept.append(sec)
        if dropped:
            piece.sections = kept
            piece.meta["chrome_sections_shared"] = dropped

    def _tasks(self, pieces: Iterable[Piece | None], waiting: dict[int, Piece],
               flush: list[float]) -> Iterator[_Task | None]:
        """Pieces as docs of up to one chunk each (see :func:`piece_chunks`): a long piece is
        cut into several, small ones share one (fast profile). A piece with no text still gets
        a member.
        A None in the stream ends the current doc and is passed on, so that the batch holding
        it is analysed at once, when the oldest piece not yet sent on has waited ``flush[0]``
        seconds (0: at every None)."""
        limit = self._chunk_chars
        sep = len(SECTION_SEPARATOR)
        parts: list[str] = []
        members: list[_Member] = []
        size = 0
        seq = -1
        pending_since: float | None = None  # when the oldest piece not flushed yet came in
        for piece in pieces:
            if piece is None:
                if flush[0] <= 0 or (pending_since is not None
                                     and time.monotonic() - pending_since >= flush[0]):
                    if members:
                        yield _Task(SECTION_SEPARATOR.join(parts), members)
                        parts, members, size = [], [], 0
                    pending_since = None
                    yield None  # and the batch it is in goes through now
                continue
            if pending_since is None:
                pending_since = time.monotonic()
            seq += 1
            waiting[seq] = piece
            analysed, cuts = normalised_piece(piece)
            chunks = piece_chunks(analysed, limit) or [("", ((0, "body"),), 0)]
            for i, (text, roles, base) in enumerate(chunks):
                if members and (size + sep + len(text) > limit
                                or (i == 0 and self._join_parsed)):
                    yield _Task(SECTION_SEPARATOR.join(parts), members)
                    parts, members, size = [], [], 0
                start = size + sep if members else 0
                members.append(_Member(seq, start, start + len(text),
                                       tuple((start + off, role) for off, role in roles), base,
                                       i == len(chunks) - 1, cuts))
                parts.append(text)
                size = start + len(text)
        if members:
            yield _Task(SECTION_SEPARATOR.join(parts), members)

    def _analyse(self, tasks: list[_Task]) -> Iterator[_Partial]:
        pairs: Iterable[tuple[Any, _Task]] = self.pipeline.pipe([(t.text, t) for t in tasks])
        if self._join_parsed and len(tasks) > 1:
            pairs = [self._joined(list(pairs))]
        for doc, task in pairs:
            yield from self._analyse_doc(doc, task)

    def _joined(self, pairs: list[tuple[Any, _Task]]) -> tuple[Any, _Task]:
        """A batch of parsed chunks as one doc for analysis. Matching and tone cost per doc
        as well as per word: on the trained profile's short chunks that overhead was a third
        of the analysis. Each member keeps its own bounds, so a cue still cannot run from one
        chunk into the next."""
        from ..analyze.nlp import join_docs

        doc, text, offsets = join_docs([d for d, _ in pairs], [t.text for _, t in pairs])
        members = [_Member(m.seq, off + m.start, off + m.end,
                           tuple((off + o, role) for o, role in m.roles), m.base, m.last, m.cuts)
                   for (_, task), off in zip(pairs, offsets, strict=True) for m in task.members]
        return doc, _Task(text, members)

    def _assemble(self, partials: Iterable[_Partial],
                  waiting: dict[int, Piece]) -> Iterator[PieceResult]:
        acc: _Partial | None = None
        # Pieces complete here, finished together when their batch ends (see _finish_all).
        done: list[tuple[Piece | None, _Partial]] = []
        for part in partials:
            if part is _GROUP_END or part.result is not None:
                if done:
                    yield from self._finish_all(done)
                    done = []
                if part is _GROUP_END:
                    yield part
                else:  # finished by a worker
                    part.result.piece = waiting.pop(part.seq)
                    yield part.result
                continue
            acc = part if acc is None else acc.merge(part)
            if part.last:
                done.append((waiting.pop(acc.seq), acc))
                acc = None
        if done:
            yield from self._finish_all(done)

    def _drop_negated_words(self, arrays: Any, rows: np.ndarray, starts: np.ndarray,
                            places: dict[str, list[tuple[int, int]]], limits: list[int],
                            taken_back: _TakenBack) -> list[str] | None:
        """A vocabulary word a negation takes back ("we never track your location", "no
        procurement") pulls toward no one: it leaves its sentence's count in ``rows``. Returns
        the doc's lower-case words when it read them (the cue loop reads them too)."""
        if not any(places.values()):
            return None
        words = self.matcher.lower_words(arrays)
        first_tokens = starts.tolist()
        for cat, spans in places.items():
            col = COL[cat]
            for start, end in spans:
                s_idx = bisect_right(first_tokens, start) - 1
                k = min(bisect_right(limits, start), len(limits) - 1)  # its piece
                if taken_back(start, end, s_idx, words, limits[k]):
                    rows[s_idx, col] -= 1
        return words

    def _taken_back(self, doc: Any, text: str, arrays: Any, bounds: np.ndarray) -> _TakenBack:
        """``taken_back(start, end, s, words, limit)``: whether the words at tokens [start,
        end) of sentence ``s`` (the index into ``bounds``) are negated or contrasted away, or
        the sentence after, if it starts before token ``limit``, is a bare refusal of what
        sentence ``s`` named ("Procurement questionnaires? No."; read once per sentence)."""
        refusals: dict[int, bool] = {}
        idx, ends = arrays.idx, arrays.end
        spans = bounds.tolist()
        negated = self.negator.negated

        def refused(s: int, limit: int) -> bool:
            found = refusals.get(s)
            if found is None:
                found = False
                # The blank line between two sections ("Do you offer SSO?" then "No.") is a
                # sentence of its own: the refusal is the next one that holds words.
                for first, end in spans[s + 1:s + 4]:
                    if first >= limit:
                        break
                    said = text[int(idx[first]):int(ends[end - 1])]
                    if said.strip():
                        found = self.negator.refuses(said)
                        break
                refusals[s] = found
            return found

        def taken_back(start: int, end: int, s: int, words: list[str], limit: int) -> bool:
            return (negated(doc, start, end, spans[s][0], words=words, limit=limit)
                    or refused(s, limit))

        return taken_back

    def _analyse_doc(self, doc: Any, task: _Task) -> list[_Partial]:
        """Tone and evidence for each piece (member) in the doc, split back by char offset."""
        parts = [_Partial(m.seq, first=m.base == 0, last=m.last) for m in task.members]
        if not len(doc):
            return parts
        from ..analyze.tokenpatterns import DocArrays

        arrays = DocArrays(doc)
        rows, bounds, places = self.tone.sentences(doc, use_tags=self.pipeline.has_tagger,
                                                   arrays=arrays)
        starts = bounds[:, 0]
        member_starts = [m.start for m in task.members]
        idx = arrays.idx
        limits = np.searchsorted(idx, [m.end for m in task.members], side="left").tolist()
        taken_back = self._taken_back(doc, task.text, arrays, bounds)
        words = self._drop_negated_words(arrays, rows, starts, places, limits, taken_back)
        if len(parts) == 1:
            parts[0].counts.add(rows)
        else:
            owner = np.searchsorted(member_starts, idx[starts], side="right") - 1
            for k, part in enumerate(parts):
                part.counts.add(rows[owner == k])
        text = task.text  # Doc.text re-joins every token on each access; this is the same string
        for member, part in zip(task.members, parts, strict=True):
            if member.base < MAX_CHARS:  # kept for the wording lean (see _finish_all)
                part.text = _wording_text(text, member, self._weights)
        hits = self.matcher.find(doc, text, arrays)
        if not hits:
            return parts
        sentences: dict[int, tuple[int, int, str]] = {}
        # Per sentence, the tone counts a top sentence shows.
        sent_tone = rows[:, _SENTENCE_TONE].tolist()
        # Per hit: its sentence and piece, looked up for all hits at once.
        sent_of = (np.searchsorted(starts, [h.start for h in hits], side="right") - 1).tolist()
        sent_bounds = bounds.tolist()
        ends = arrays.end
        weights = self._weights
        # Read here, in the process that analyses, rather than when the piece is finished: a
        # long piece cut across workers is finished by their caller, alone.
        context = context_rules()
        # (context, member) -> whether the piece reads as a template, documentation or strict
        # terms: asked only when a group that cares has a cue there, and the piece's first such
        # cue decides.
        piece_reads: dict[tuple[str, int], bool] = {}

        def reads(why: str, rules: TemplateRules | DocRules, k: int, hit: Hit,
                  member: _Member) -> bool:
            key = (why, k)
            if key not in piece_reads:
                piece_reads[key] = rules.around(text, hit.start_char, hit.end_char, member.start,
                                                member.end)
            return piece_reads[key]

        for hit, s_idx in zip(hits, sent_of, strict=True):
            k = bisect_right(member_starts, hit.start_char) - 1
            member = task.members[k]
            if hit.end_char > member.end:
                continue  # runs into the next piece
            persona = self.personas[hit.persona]
            group = persona.cues[hit.group]
            role = member.roles[bisect_right(member.roles, (hit.start_char, "\uffff")) - 1][1]
            if group.sections is not None and role not in group.sections:
                continue
            s_start, s_end = sent_bounds[s_idx]
            negated = False
            if group.negatable:
                if words is None:
                    words = self.matcher.lower_words(arrays)
                negated = taken_back(hit.start, hit.end, s_idx, words, limits[k])
            found = sentences.get(s_idx)
            if found is None:
                first_char, end_char = int(idx[s_start]), int(ends[s_end - 1])
                raw = text[first_char:end_char]
                sentence = raw.strip()
                first_char += len(raw) - len(raw.lstrip())
                found = sentences[s_idx] = (first_char, first_char + len(sentence), sentence)
            sent_start, sent_end, sentence = found
            if len(sentence) > MAX_SENTENCE_CHARS:  # one huge "sentence": keep its part near the cue
                sentence = excerpt(sentence, hit.start_char - sent_start, hit.end_char - sent_start)
            shift = member.base - member.start
            cuts = member.cuts
            # Suggestions and notes are filled in by _finish_all: they need not cross processes.
            cue_text = text[hit.start_char:hit.end_char]
            reason = context.reason(sentence, cue_text)
            if not group.in_templates and reads("template", template_rules(), k, hit, member):
                reason = "template"
            if (not group.in_docs and not reason
                    and reads("documentation", doc_rules(), k, hit, member)):
                reason = "documentation"
            if not group.in_terms and not reason and reads("policy", terms_rules(), k, hit, member):
                reason = "policy"
            ev = Evidence(
                persona=persona.id, group=group.group, text=cue_text,
                section=role, start=to_original(cuts, shift + hit.start_char),
                end=to_original(cuts, shift + hit.end_char, end=True),
                weight=group.weight * weights.get(role, 1.0), negated=negated,
                sentence=sentence, context=reason,
            )
            part = parts[k]
            part.evidence.append(ev)
            key = (to_original(cuts, shift + sent_start), to_original(cuts, shift + sent_end, end=True))
            info = part.sentences.get(key)
            if info is None:
                whole = found[2]
                shown = whole if len(whole) <= MAX_SENTENCE_CHARS else excerpt(whole, 0, 0)
                info = part.sentences[key] = _Sentence(role, shown, *sent_tone[s_idx], [])
            info.evidence.append(ev)
        return parts

    def _finish_all(self, items: list[tuple[Piece | None, _Partial]]) -> list[PieceResult]:
        """Scores, verdict and top sentences of each piece from its summed partials (``piece``
        is attached by the caller when a worker finishes it), for the pieces of one analysed
        batch at once: the cues decide each verdict first, then the wording of every piece
        whose verdict asks for it is read in one pass (see LeanModel.read_texts; read one by
        one, the array work per piece cost more than the words it read)."""
        judged = [self._judge(acc) for _, acc in items]
        asking = [j for j in judged if j.reads]
        if asking:
            model = self.lean_model or shipped_model()
            for j, wording in zip(asking, model.read_texts([j.acc.text for j in asking]),
                                  strict=True):
                self._weigh_wording(j, wording)
        return [self._result(piece, j) for (piece, _), j in zip(items, judged, strict=True)]

    def _judge(self, acc: _Partial) -> _Judged:
        """The cues' scores and verdict, and whether the wording is to be read."""
        tone = metrics(acc.counts)
        words = int(acc.counts["words"])
        evidence = acc.evidence
        # Legal terms, a policy statement or release notes court no one (see pagekinds).
        kind = page_kind(acc.text)
        for ev in evidence:
            ev.suggest, ev.note = self._advice[(ev.persona, ev.group)]
            if kind and ev.kind == "cue" and not ev.context:
                ev.context = kind
        weigh_evidence(evidence, self.personas, words)
        evidence.extend(tone_evidence(tone, self.personas, words))
        cap_tone_alone(evidence, self.personas)
        raw = intensities(evidence, self.personas)
        scores = {pid: round(to_score(v), 4) for pid, v in raw.items()}
        verdict = decide(scores, evidence, self.personas, self.config)
        # Read once for every step that will ask: a neutral piece of any length up to the
        # most (its wording still ranks it), any other from the fewest words the model judges,
        # where its verdict is weak or the blend may weigh it (not on a policy or release-notes
        # page: see _weigh).
        blend = None if kind else self._blend
        weak = max(scores.values(), default=0.0) < WEAK_VERDICT
        judged = words >= LEAN_MIN_WORDS
        reads = bool(self._lean_allowed and 0 < words <= LEAN_MAX_WORDS
                     and (verdict.label == "neutral" or (judged and (
                         weak or blend is not None))))
        return _Judged(acc, tone, words, kind, raw, scores, dict(scores), verdict, blend, weak,
                       judged, reads)

    def _weigh_wording(self, j: _Judged, wording: Reading) -> None:
        """The steps that read the wording (see :meth:`_read_wording`, :meth:`_weak_verdict_read`
        and :meth:`_weigh`)."""
        evidence, raw, scores, verdict = j.acc.evidence, j.raw, j.scores, j.verdict
        if verdict.label == "neutral":
            verdict = self._read_wording(wording, evidence, raw, scores,
                                         decides=j.judged and not j.kind) or verdict
        elif j.judged and j.weak:
            verdict = self._weak_verdict_read(wording, verdict, evidence, raw, scores,
                                              may_switch=not j.kind) or verdict
        if j.judged and wording.readable and j.blend is not None:
            verdict = self._weigh(j.blend, wording, j.cue_scores, verdict, evidence, raw,
                                  scores) or verdict
        j.verdict = verdict

    def _result(self, piece: Piece | None, j: _Judged) -> PieceResult:
        verdict = j.verdict
        if j.kind and verdict.label == "neutral":
            verdict.reason = f"{_PAGE_KINDS[j.kind]}; {verdict.reason}"
        listed, folded = fold_repeats(j.acc.evidence)
        return PieceResult(piece=piece, scores=j.scores, verdict=verdict,  # type: ignore[arg-type]
                           evidence=listed, tone=j.tone, words=j.words,
                           sentences=self._top_sentences(j.acc), folded=folded)

    def _read_wording(self, wording: Reading, evidence: list[Evidence], raw: dict[str, float],
                      scores: dict[str, float], decides: bool) -> Verdict | None:
        """The wording lean of a piece no cue decides (see audit.analyze.lean). When it leans
        clearly, the verdict names that persona and its score rises to the probability; below
        that, each persona's score rises to RANK_SHARE of its probability, so that pieces no
        cue catches still rank. Each rise is an evidence entry of kind "lean" that weighs what
        it adds (a score stays the sum of its evidence) and names the words that pulled. No
        rise for a persona whose cues the reader took back (negated, quoted, informational,
        documentation, a policy or release-notes page); no verdict where it took back any cue,
        for a persona with cues of its own, in wording the model mostly does not know (another
        language), or (``decides`` False) in a piece too short to judge as a whole, or on such a
        page."""
        from spacy.lang.en.stop_words import STOP_WORDS  # loaded already where pieces end

        model, known, probs = wording.model, wording.known, wording.probs
        decides = decides and wording.readable
        cues = [e for e in evidence if e.kind == "cue"]
        taken_back = _taken_back_personas(cues)
        lean = model.lean(known, self._lean_allowed, self.config.thresholds.lean,
                          plain=STOP_WORDS, probs=probs, careful=self._lean_careful
                          ) if decides and not taken_back else None
        # The cue reader has had its say where it found cues of this persona.
        if lean is not None and any(lean.persona in (e.persona, e.counts_for) for e in cues):
            lean = None
        for pid in self._lean_allowed:
            persona = self.persona(pid)
            assert persona is not None  # the allowed ids are loaded personas
            p = probs.get(pid, 0.0)
            named = lean is not None and lean.persona == pid
            wanted = round(min(p if named else RANK_SHARE * p, 0.9999), 4)
            if pid in taken_back or wanted < RANK_MIN or wanted <= scores[pid]:
                continue
            if named and lean is not None:
                self._add_lean(evidence, raw, scores, lean, "though no cue of its pack matched")
                continue
            evidence.append(Evidence(
                persona=pid, group=RANK_GROUP, text=", ".join(model.pulling(known, pid, STOP_WORDS)),
                section="", start=-1, end=-1, kind="lean",
                note=f"The wording reads a little like copy that draws {persona.name} "
                     f"(probability {p:.2f}); it ranks the piece, no verdict rests on it.",
                weight=round(max(to_intensity(wanted) - raw[pid], 0.0), 6)))
            scores[pid] = wanted
        if lean is None:
            return None
        return self._lean_verdict(lean, "no cue decides, but")

    def _add_lean(self, evidence: list[Evidence], raw: dict[str, float],
                  scores: dict[str, float], lean: Lean, why: str) -> None:
        """The evidence entry of a lean that decides the verdict: the persona's score rises to
        the lean's probability, and the entry weighs what the rise adds."""
        persona = self.persona(lean.persona)
        assert persona is not None  # a lean names an allowed, loaded persona
        wanted = round(min(lean.probability, 0.9999), 4)
        evidence.append(Evidence(
            persona=lean.persona, group=LEAN_GROUP, text=", ".join(lean.words), section="",
            start=-1, end=-1, kind="lean",
            note=f"The wording leans toward {persona.name} (probability {lean.probability:.2f}), "
                 f"{why}.",
            weight=round(max(to_intensity(wanted) - raw[lean.persona], 0.0), 6)))
        scores[lean.persona] = max(scores[lean.persona], wanted)

    def _lean_verdict(self, lean: Lean, lead: str) -> Verdict:
        persona = self.persona(lean.persona)
        assert persona is not None
        said = ", ".join(f'"{w}"' for w in lean.words) or "its words as a whole"
        reason = (f"{lead} the wording as a whole reads like copy that draws "
                  f"{persona.name} ({lean.probability:.2f}): {said}")
        if persona.id == self.config.target:
            return Verdict("on-target", None, reason, lean=lean.probability)
        label = "risk" if persona.kind == "risk" else "wrong-audience"
        return Verdict(label, persona.id, reason, lean=lean.probability)

    @property
    def _blend(self) -> BlendModel | None:
        """The blend model in use, or None where it cannot weigh this engine's verdicts: it
        is off (``thresholds.blend`` 1, or the lean off), or it was fitted for persona ids or a
        target other than these packs'."""
        if not self._lean_allowed or self.config.thresholds.blend >= 1:
            return None
        model = self.blend_model or shipped_blend()
        if self._blend_fits is None or self._blend_fits[0] is not model:  # asked once a piece
            ids = {p.id for p in self.personas}
            self._blend_fits = (model, set(model.cue_ids) == ids
                                and self.config.target in model.labels
                                and set(model.labels) - {NEUTRAL} == ids)
        return model if self._blend_fits[1] else None

    def _weigh(self, blend: BlendModel, wording: Reading, cue_scores: dict[str, float],
               verdict: Verdict, evidence: list[Evidence], raw: dict[str, float],
               scores: dict[str, float]) -> Verdict | None:
        """Another verdict where the cues and the wording weighed together (see
        audit.score.blend) give another label a probability at least ``thresholds.blend``
        above the verdict's own and at least blend.MIN_SWITCH: neutral, or a persona whose
        score rises to that probability through a lean evidence entry. A ``mixed`` verdict
        becomes at most ``on-target`` (see :meth:`_settle_mixed`). A risk flag stands, unless
        an anti-persona is named (the flag then rides along in ``verdict.risk``, as in
        decide()). Never a persona whose cue the reader took back; a risk pack without a cue
        or watching word of its own only where the content words lean to it too, as for the
        lean (not on "this" and "your")."""
        from spacy.lang.en.stop_words import STOP_WORDS  # loaded already where pieces end

        probs = blend.probabilities(cue_scores, wording.probs)
        if verdict.label == "mixed":
            return self._settle_mixed(verdict, probs, evidence, raw, scores, wording)
        now = NEUTRAL if verdict.label == "neutral" else verdict.persona or self.config.target
        best = max(probs, key=probs.__getitem__)
        if (best == now or probs[best] - probs.get(now, 0.0) < self.config.thresholds.blend
                or probs[best] < MIN_SWITCH):
            return None
        persona = self.persona(best)  # None: neutral
        if verdict.label == "risk" and (persona is None or persona.kind != "anti-persona"):
            return None
        p = probs[best]
        if persona is None:
            leading = max(cue_scores, key=cue_scores.__getitem__)
            was = self.persona(leading)
            return Verdict("neutral", None, f"clean: its cues for {was.name if was else leading} "
                           f"({cue_scores[leading]:.2f}), weighed with the wording as a whole, "
                           f"read like copy that pitches to no one ({p:.2f})", weighed=p)
        if best in _taken_back_personas(evidence) or (
                best in self._lean_careful and cue_scores.get(best, 0.0) <= 0
                and not wording.model.content_agrees(wording.known, best, STOP_WORDS,
                                                     self.config.thresholds.lean)):
            return None
        said = _strongest_cues(evidence, best)
        self._add_lean(evidence, raw, scores,
                       Lean(best, p, wording.model.pulling(wording.known, best, STOP_WORDS)),
                       "weighed together with the cues")
        reason = (f"{persona.name}: its cues ({', '.join(said)}) and its wording as a whole, "
                  "weighed together," if said else
                  f"{persona.name}: its wording as a whole, weighed with the cues,") + \
            f" read like copy that draws this persona ({p:.2f})"
        if persona.id == self.config.target:
            return Verdict("on-target", None, reason, weighed=p)
        if persona.kind == "risk":
            return Verdict("risk", persona.id, reason, weighed=p)
        risk = verdict.persona if verdict.label == "risk" else next(
            (pid for pid in self._lean_careful
             if cue_scores.get(pid, 0.0) >= self.config.thresholds.risk), None)
        return Verdict("wrong-audience", persona.id, reason, risk=risk, weighed=p)

    def _settle_mixed(self, verdict: Verdict, probs: dict[str, float],
                      evidence: list[Evidence], raw: dict[str, float], scores: dict[str, float],
                      wording: Reading) -> Verdict | None:
        """``on-target`` for a mixed verdict whose cues and wording, weighed together, read
        clearly like the target's copy (lean.SWITCH_LEAN): a freelancer's pricing page that
        also offers a refund, or names an invoice option, still draws the freelancer, and
        labellers of real copy name its dominant pull. The anti-persona's phrases stay in the
        reason and its score and evidence stay. Otherwise the verdict stands: copy that reads
        like the anti-persona's as well as the target's is what ``mixed`` says."""
        from spacy.lang.en.stop_words import STOP_WORDS  # loaded already where pieces end

        target = self.config.target
        p = probs.get(target, 0.0)
        if p < SWITCH_LEAN:
            return None
        persona, anti = self.persona(target), self.persona(verdict.persona or "")
        assert persona is not None and anti is not None  # a mixed verdict names loaded packs
        self._add_lean(evidence, raw, scores,
                       Lean(target, p, wording.model.pulling(wording.known, target, STOP_WORDS)),
                       "weighed together with the cues")
        said = ", ".join(_strongest_cues(evidence, anti.id))
        return Verdict("on-target", None,
                       f"{persona.name}: its cues and its wording as a whole, weighed together, "
                       f"read like copy that draws this persona ({p:.2f}); it also holds cues "
                       f"for {anti.name} ({said or 'tone only'})", weighed=p)

    def _weak_verdict_read(self, wording: Reading, verdict: Verdict, evidence: list[Evidence],
                           raw: dict[str, float], scores: dict[str, float], may_switch: bool
                           ) -> Verdict | None:
        """Another verdict for a piece whose verdict rests on about one cue (see
        lean.WEAK_VERDICT), when its wording as a whole reads otherwise: neutral where it
        reads like copy that pitches to no one (a billing answer's "free plan", a docs page's
        "freelancers"; scores and evidence stay, ``lean`` is the neutral probability), or
        another persona where it clearly reads like that persona's copy (lean.SWITCH_LEAN; not
        on a policy or release-notes page, nor to a persona whose cue the reader took back),
        through a lean evidence entry as for a piece no cue decides."""
        from spacy.lang.en.stop_words import STOP_WORDS  # loaded already where pieces end

        if not wording.readable:
            return None
        model, known, probs = wording.model, wording.known, wording.probs
        was = self.persona(verdict.persona or self.config.target)
        faint = f"the cues lean only faintly to {was.name if was else verdict.label}, and"
        p = probs[NEUTRAL]
        if p >= self.config.thresholds.lean:
            return Verdict("neutral", None, f"clean: {faint} the wording as a whole reads like "
                           f"copy that pitches to no one ({p:.2f})", lean=p)
        if not may_switch:
            return None
        lean = model.lean(known, self._lean_allowed, SWITCH_LEAN, plain=STOP_WORDS, probs=probs,
                          careful=self._lean_careful)
        if (lean is None or lean.persona == (was.id if was else None)
                or lean.persona in _taken_back_personas(evidence)):
            return None
        self._add_lean(evidence, raw, scores, lean, "over the faint cues of another pack")
        return self._lean_verdict(lean, f"{faint[0].upper()}{faint[1:]}")

    def _top_sentences(self, acc: _Partial) -> list[dict[str, Any]]:
        """The sentences that pull hardest toward an anti-persona or risk pack, with their tone."""
        kinds = {p.id: p.kind for p in self.personas}
        scored = []
        for order, ((start, end), info) in enumerate(acc.sentences.items()):
            pulls: dict[str, float] = {}
            for ev in info.evidence:
                owner = ev.counts_for if ev.negated else ev.persona
                if owner and ev.weight > 0:
                    pulls[owner] = pulls.get(owner, 0.0) + ev.weight
            against = sum(w for pid, w in pulls.items() if kinds.get(pid) != "persona")
            if against > 0:
                scored.append((-round(against, 4), order, start, end, info, pulls))
        out = []
        for neg_against, _, start, end, info, pulls in heapq.nsmallest(_TOP_SENTENCES, scored):
            words = max(info.words, 1)
            out.append({
                "text": info.text, "section": info.section, "start": start, "end": end,
                "pull": -neg_against,
                "personas": {k: round(v, 4) for k, v in pulls.items()},
                "words": int(words), "reading_grade": round(reading_grade(words, 1, info.syllables), 1),
                "passive": bool(info.passive),
            })
        return out


def _wording_text(text: str, member: _Member, weights: dict[str, float]) -> str:
    """A piece's part of a task's text as its wording is read: without the site's navigation,
    header and footer (a footer listing "SSO | SAML | Procurement" is the site's, not the
    page's copy; the cues count it capped) or a section the team weighs at 0, up to
    lean.MAX_CHARS."""
    def skipped(role: str) -> bool:
        return role in CHROME_ROLES or weights.get(role, 1.0) <= 0

    if not any(skipped(role) for _, role in member.roles):
        return text[member.start:min(member.end, member.start + MAX_CHARS)]
    ends = [off for off, _ in member.roles[1:]] + [member.end]
    kept = " ".join(text[start:end] for (start, role), end in zip(member.roles, ends, strict=True)
                    if not skipped(role))
    return kept[:MAX_CHARS]


def _strongest_cues(evidence: Iterable[Evidence], pid: str, n: int = 3) -> list[str]:
    """The texts of a persona's strongest counting cues, quoted, each once."""
    cues = sorted((e for e in evidence if e.kind == "cue" and e.persona == pid
                   and e.weight > 0 and not e.negated), key=lambda e: -e.weight)
    return list(dict.fromkeys(f'"{e.text}"' for e in cues))[:n]


def _taken_back_personas(evidence: Iterable[Evidence]) -> set[str]:
    """The personas (and those they count for) of the cues the reader took back: negated,
    quoted, informational, documentation, a policy or release-notes page."""
    return {pid for e in evidence if e.kind == "cue" and (e.negated or e.context)
            for pid in (e.persona, e.counts_for) if pid}


_SENTENCE_TONE = [COLUMNS.index(c) for c in _Sentence._fields[2:5]]


