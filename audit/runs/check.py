"""`check` as a library call: read inputs, analyse them, build the JSON report.

Bad inputs become :class:`InputProblem` entries (and a callback, so the CLI can print each as it
happens); the good ones are still checked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..engine.engine import Engine
from ..errors import InputError, NoCopy, NotADraft
from ..models import InputProblem, Piece, new_run_id, now_iso
from ..report.build import build_report, run_header
from ..sources.readers import expand_paths, read_input


@dataclass(slots=True)
class CheckOutcome:
    report: dict[str, Any]
    errors: list[InputProblem] = field(default_factory=list)
    #: Original text per source, for pointing at lines and columns (SARIF); read on first use.
    originals: Originals = field(default_factory=lambda: Originals())
    #: Each piece already as compact JSON (when asked for), mostly by the analysis workers,
    #: so printing the report at the end is a join (see report.build.dump_json). The
    #: report's "pieces" then hold each piece's :meth:`PieceResult.summary` only.
    encoded: list[str] | None = None


def report_header(engine: Engine, run_id: str, **extra: Any) -> dict[str, Any]:
    return run_header(run_id=run_id, created=now_iso(), profile=engine.profile,
                      target=engine.config.target,
                      personas=[p.to_dict() for p in engine.personas],
                      model=engine.model, **extra)


def check_inputs(args: list[str], config: Config, *, channel: str | None = None,
                 engine: Engine | None = None,
                 on_error: Callable[[InputProblem], None] | None = None,
                 encode: bool = False) -> CheckOutcome:
    """Check files, folders and '-' (stdin). Builds the engine unless one is given.
    ``encode``: keep each piece as compact JSON, and only its summary in the report (see
    :attr:`CheckOutcome.encoded`)."""
    engine = engine or Engine(config)
    outcome = CheckOutcome(report={})

    def problem(source: str, message: str) -> None:
        p = InputProblem(source, message)
        outcome.errors.append(p)
        if on_error:
            on_error(p)

    items = list(expand_paths(args))
    warnings: list[dict[str, str]] = []

    def pieces() -> Iterator[Piece]:
        for item in items:
            try:
                piece = read_input(item, channel=channel, max_bytes=config.max_file_bytes)
            except NoCopy as exc:
                # Read fine, but nothing in it is copy (a section index page of front matter,
                # an HTML partial): nothing to check, and no reason to fail a CI job.
                warnings.append({"source": exc.source,
                                 "warning": f"{exc.message}; nothing to check"})
                continue
            except NotADraft as exc:
                # Alone, it was meant for `audit`; among other files (a folder walked, the files
                # a pull request changed) it is a URL list kept beside the pages: skipped.
                if len(items) == 1:
                    problem(exc.source, exc.message)
                else:
                    warnings.append({"source": exc.source, "warning": f"skipped: {exc.message}"})
                continue
            except InputError as exc:
                problem(exc.source, exc.message)
                continue
            if piece.source != "<stdin>":
                outcome.originals.paths[piece.source] = Path(piece.source)
            yield piece

    results = []
    if encode:
        outcome.encoded = []
    for result in engine.check_pieces(pieces(), expect_chars=_size(items), encode=encode):
        # What a reader noticed (an email body lost to a MIME boundary): the piece was still
        # checked, so it is a warning beside it, not an input error.
        warnings += result.piece.warning_entries()
        if outcome.encoded is not None:
            outcome.encoded.append(result.to_json())
            results.append(result.summary())
        else:
            results.append(result.to_dict())
    header = report_header(engine, new_run_id("check"))
    outcome.report = build_report(header, results, [e.to_dict() for e in outcome.errors],
                                  warnings=warnings, stage_rules=config.stage_rules)
    return outcome


def _size(items: list[Path | str]) -> int:
    """Bytes in the files (about their characters), so a large check starts both cores at once."""
    total = 0
    for item in items:
        if isinstance(item, Path):
            with contextlib.suppress(OSError):
                total += item.stat().st_size
    return total


class Originals(Mapping[str, str]):
    """Source -> the file's text as it was read, loaded only when asked for (SARIF output
    needs it to point at lines and columns; nothing else does)."""

    def __init__(self) -> None:
        self.paths: dict[str, Path] = {}

    def __getitem__(self, source: str) -> str:
        try:
            return self.paths[source].read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)
