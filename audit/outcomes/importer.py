"""`outcomes add` as a library call: read each export, join it to a stored run, store what
joined, and say per file how many rows joined and which did not, with the reason.

A file that cannot be read, or none of whose rows joins, is a problem for that file only: the
other files are still imported (the CLI exits 2 at the end, as ``check`` does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import InputError
from ..models import InputProblem
from ..store.store import Store
from .join import JoinResult, PageIndex, join_file
from .readers import read_outcome_file


def printable(text: str, limit: int = 100) -> str:
    """Untrusted file text for one terminal line: control characters shown as '?', cut."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def import_outcomes(store: Store, run_id: str, files: Sequence[Path], *, site: str | None = None,
                    on_result: Callable[[JoinResult], None] | None = None,
                    on_problem: Callable[[InputProblem], None] | None = None,
                    ) -> tuple[list[JoinResult], list[InputProblem]]:
    """Import every file into ``run_id``; return what joined and the files that failed."""
    index = PageIndex(store.join_pages(run_id))
    results: list[JoinResult] = []
    problems: list[InputProblem] = []

    def problem(source: str, message: str) -> None:
        p = InputProblem(source, message)
        problems.append(p)
        if on_problem:
            on_problem(p)

    for path in files:
        try:
            parsed = read_outcome_file(path)
        except InputError as exc:
            problem(exc.source, exc.message)
            continue
        result = join_file(parsed, index, site)
        if not result.joined:
            first = result.unjoined[0].reason if result.unjoined else "no data rows"
            problem(str(path), f"no row joined a page of run {run_id} ({result.rows} rows; "
                               f"first reason: {first})")
            continue
        store.add_outcomes(run_id, str(path), result.values, result.summary())
        results.append(result)
        if on_result:
            on_result(result)
    return results, problems


def describe_result(result: JoinResult) -> list[str]:
    """What the CLI prints for one imported file."""
    lines = [f"{printable(result.file)}: {result.label}, {result.joined} of {result.rows} rows "
             f"joined to {result.pages} pages; metrics: "
             f"{printable(', '.join(result.metrics), 200)}"]
    if result.totals:
        lines.append(f"  skipped {result.totals} total row(s)")
    for note in result.notes:
        lines.append(f"  note: {printable(note, 200)}")
    if result.unjoined_count:
        lines.append(f"  {result.unjoined_count} row(s) did not join"
                     + ("; the first:" if result.unjoined_count > len(result.unjoined) else ":"))
        for u in result.unjoined:
            lines.append(f"    line {u.line} \"{printable(u.page, 80)}\": {printable(u.reason, 160)}")
    return lines
