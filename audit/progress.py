"""Progress of an audit run on stderr: a live bar with done / failed / skipped, rate and ETA
when stderr is a terminal; quiet otherwise (CI logs get the problems and one summary line)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from .models import InputProblem
from .runs.audit import Progress as RunProgress
from .termsafe import safe


class ProgressPrinter:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.last: RunProgress | None = None
        self._bar: Progress | None = None
        self._task = None

    def __enter__(self) -> ProgressPrinter:
        if self.live:
            self._bar = Progress(
                TextColumn("[bold]auditing"), BarColumn(),
                TextColumn("{task.completed}"),
                TextColumn("{task.fields[counts]}"), TimeRemainingColumn(),
                console=self.console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("audit", total=None, counts="")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, progress: RunProgress) -> None:
        self.last = progress
        if self._bar is None or self._task is None:
            return
        counts = (f"done {progress.done} · failed {progress.failed} · skipped "
                  f"{progress.skipped} · {progress.rate:.1f}/s")
        total = progress.total - progress.resumed if progress.total is not None else None
        self._bar.update(self._task, completed=progress.finished, total=total, counts=counts)

    def problem(self, problem: InputProblem) -> None:
        self.console.print(safe(f"antipersona: {problem.source}: {problem.error}"), markup=False,
                           highlight=False)

    def summary(self, run_id: str, db: Path) -> None:
        p = self.last
        counts = (f"{p.done} pieces analysed, {p.failed} failed, {p.skipped} skipped"
                  + (f", {p.resumed} kept from before" if p.resumed else "")) if p else ""
        self.console.print(safe(f"run {run_id}: {counts} (store: {db})"), markup=False,
                           highlight=False)
        self.console.print(safe(f"see it with: antipersona report {run_id}   or   antipersona app"),
                           markup=False, highlight=False)
