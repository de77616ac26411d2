"""Worker glue: batches of tasks analysed (and, when a worker holds a whole piece, finished) in
worker processes (see :mod:`audit.engine.workers`), their partials streamed back in order."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .batching import _GROUP_END, _batches, _Partial, _Task

if TYPE_CHECKING:
    from .engine import Engine


def _work(engine: Engine, job: tuple[list[_Task], bool]) -> list[_Partial]:
    """Analyse a batch; pieces wholly inside it are finished here too (scores, verdict, top
    sentences, and their JSON when asked), so the parent only hands results on. A piece cut
    across batches goes back as partials that the parent joins."""
    batch, encode = job
    out: list[_Partial] = []
    whole: list[tuple[int, _Partial]] = []  # (place in out, piece), finished together
    acc: _Partial | None = None
    for part in engine._analyse(batch):
        if acc is not None:
            acc.merge(part)
        elif part.first:
            acc = part
        else:
            out.append(part)  # the rest of a piece begun in an earlier batch
            continue
        if acc.last:
            whole.append((len(out), acc))
            out.append(acc)
            acc = None
    if acc is not None:
        out.append(acc)  # continues in the next batch
    results = engine._finish_all([(None, part) for _, part in whole])
    for (at, part), result in zip(whole, results, strict=True):
        if encode:
            result.shrink()
        out[at] = _Partial(part.seq, first=True, last=True, result=result)
    return out


def _parallel(engine: Engine, tasks: Iterable[_Task | None], n_process: int,
              batch_chars: int, encode: bool) -> Iterator[_Partial]:
    """Chunks go to the workers, partial results come back in order and are re-joined to their
    piece here; only text out and small partials back cross the process boundary."""
    from .workers import GC_THRESHOLD, WorkerPool

    # Objects that exist now live as long as the run: keep the collector off them, so that
    # neither the workers' collections (copy-on-write pages) nor ours walk them again.
    gc.freeze()
    # The caller unpickles the workers' results and finishes long pieces: as many short-lived
    # objects as the workers make, and as few cycles (see workers.GC_THRESHOLD).
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        with WorkerPool(engine.load, _work, n_process) as pool:
            jobs = ((batch, encode) for batch in _batches(tasks, batch_chars))
            for partials in pool.imap(jobs):
                yield from partials
                yield _GROUP_END
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
