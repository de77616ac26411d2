"""Batching: pieces cut into chunks at section, paragraph or word boundaries, packed into spaCy
docs of a bounded size, and the partial results of a piece's chunks added back up. Only plain
values here, since tasks and partials travel to and from worker processes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..analyze.lean import MAX_CHARS
from ..analyze.tonecounts import ToneCounts
from ..analyze.typography import Cuts
from ..models import SECTION_SEPARATOR, Evidence, Piece, PieceResult

#: spaCy docs are built per chunk of at most this many characters (paragraph-aligned); small
#: pieces share one doc up to this size, so per-doc costs are paid per chunk, not per file.
CHUNK_CHARS = 50_000


#: Marks the end of one analysed batch's results in the internal result stream.
_GROUP_END: Any = object()


@dataclass(slots=True)
class _Member:
    """One piece's part of a task's text."""

    seq: int  # which piece (pieces stay in the parent process; only text travels)
    start: int  # where it starts and ends in the task text
    end: int
    #: (offset in the task text, role) of each of its sections, in order.
    roles: tuple[tuple[int, str], ...]
    base: int  # the offset of ``start`` in ``Piece.text``
    last: bool  # the piece's last chunk
    #: Where invisible characters were dropped from the piece (see typography); None: nowhere.
    cuts: Cuts | None = None


@dataclass(slots=True)
class _Task:
    """One spaCy doc: a chunk of a long piece, or several small pieces joined by a blank line
    (where a sentence always ends)."""

    text: str
    members: list[_Member]


class _Sentence(NamedTuple):
    """A sentence holding evidence: what its piece's top sentences need of it. Plain values,
    since a worker's partials are pickled back to the parent."""

    section: str
    text: str
    words: float
    syllables: float
    passive: float
    evidence: list[Evidence]


@dataclass(slots=True)
class _Partial:
    """What one chunk contributes to its piece; partials of a piece add up (merge)."""

    seq: int
    counts: ToneCounts = field(default_factory=ToneCounts)
    evidence: list[Evidence] = field(default_factory=list)
    sentences: dict[tuple[int, int], _Sentence] = field(default_factory=dict)
    first: bool = True  # holds the piece's first chunk
    last: bool = False  # holds its last chunk
    #: The piece's result, when a worker had all of it and finished it there.
    result: PieceResult | None = None
    #: The piece's text up to lean.MAX_CHARS, read for its wording only when no cue decides
    #: its verdict (see audit.analyze.lean).
    text: str = ""

    def merge(self, other: _Partial) -> _Partial:
        self.counts.sentences += other.counts.sentences
        self.counts.values += other.counts.values
        self.evidence.extend(other.evidence)
        if len(self.text) < MAX_CHARS:
            self.text = f"{self.text} {other.text}"[:MAX_CHARS]
        self.sentences.update(other.sentences)
        self.last = other.last
        return self


def split_chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, chunk) pieces of a long text, cut at paragraph, line or space boundaries."""
    if len(text) <= limit:
        yield 0, text
        return
    pos = 0
    n = len(text)
    while pos < n:
        end = min(pos + limit, n)
        if end < n:
            window = text[pos:end]
            cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(". "), window.rfind(" "))
            if cut > limit // 4:
                end = pos + cut + 1
        yield pos, text[pos:end]
        pos = end


Chunk = tuple[str, tuple[tuple[int, str], ...], int]


def piece_chunks(piece: Piece, limit: int = CHUNK_CHARS) -> list[Chunk]:
    """A piece's text as ``Piece.text`` joins it (a blank line between sections, where a
    sentence always ends), cut into chunks of at most ``limit`` characters at section
    boundaries; a longer section is cut at paragraph or word boundaries. Each chunk comes with
    the (offset in chunk, role) of its sections and its own offset in ``Piece.text``."""
    sep = len(SECTION_SEPARATOR)
    chunks: list[Chunk] = []
    parts: list[str] = []
    roles: list[tuple[int, str]] = []
    size = base = offset = 0
    for sec in piece.sections:
        for off, text in split_chunks(sec.text, limit):
            if parts and (off or size + len(text) > limit):
                # Full, or a cut inside a long section: start a new chunk.
                chunks.append((SECTION_SEPARATOR.join(parts), tuple(roles), base))
                parts, roles, size = [], [], 0
            if not parts:
                base = offset + off
            roles.append((size, sec.role))
            parts.append(text)
            size += len(text) + sep
        offset += len(sec.text) + sep
    if parts:
        chunks.append((SECTION_SEPARATOR.join(parts), tuple(roles), base))
    return chunks


def _batches(tasks: Iterable[_Task | None], max_chars: int) -> Iterator[list[_Task]]:
    """Docs in batches of about ``max_chars``; a None (see Engine._tasks) sends a batch early."""
    batch: list[_Task] = []
    size = 0
    for t in tasks:
        if t is None:
            if batch:
                yield batch
                batch, size = [], 0
            continue
        batch.append(t)
        size += len(t.text) + 200
        if size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
