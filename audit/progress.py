"""Progress of an audit run on stderr: a live bar with done / failed / skipped, rate and ETA
when stderr is a terminal; quiet otherwise (CI logs get the problems and one summary line)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from .models import InputProblem
from .report.warned import render_warnings
from .report.words import plural
from .runs.audit import Progress as RunProgress
from .termsafe import safe


def count_text(progress: RunProgress) -> str:
    """"12/40" when the run knows how many sources it has (the bar's own count, so a resumed
    run counts what is left), else "12" (sitemaps and mailboxes are counted as they are read)."""
    if progress.total is None:
        return f"{progress.finished}"
    return f"{progress.finished}/{max(progress.total - progress.resumed, 0)}"


class ProgressPrinter:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.last: RunProgress | None = None
        #: Pieces analysed with a warning, told after the summary (they are not failures).
        self.warnings: list[dict[str, str]] = []
        self._bar: Progress | None = None
        self._task = None

    def __enter__(self) -> ProgressPrinter:
        if self.live:
            self._bar = Progress(
                TextColumn("[bold]auditing"), BarColumn(),
                TextColumn("{task.fields[count]}"),
                TextColumn("{task.fields[counts]}"), TimeRemainingColumn(),
                console=self.console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("audit", total=None, counts="", count="0")
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
        self._bar.update(self._task, completed=progress.finished, total=total, counts=counts,
                         count=count_text(progress))

    def problem(self, problem: InputProblem) -> None:
        self.console.print(safe(f"antipersona: {problem.source}: {problem.error}"), markup=False,
                           highlight=False)

    def warning(self, source: str, text: str) -> None:
        self.warnings.append({"source": source, "warning": text})

    def summary(self, run_id: str, db: Path) -> None:
        """The run's counts, its warnings and how to see it (the commands name ``db`` when it
        is not the default store, so they work as pasted); a run that read nothing and was
        not kept says so instead."""
        from .runs.audit import follow_up
        from .store.store import db_path

        p = self.last
        counts = (f"{plural(p.done, 'piece')} analysed, {p.failed} failed, {p.skipped} skipped"
                  + (f", {p.resumed} kept from before" if p.resumed else "")
                  + (f", {p.warned} with a warning" if p.warned else "")) if p else ""
        if p is not None and not p.kept:
            self.console.print(safe(f"nothing was read ({p.failed} failed, {p.skipped} "
                                    f"skipped), so no run was stored (store: {db})"),
                               markup=False, highlight=False)
            return
        self.console.print(safe(f"run {run_id}: {counts} (store: {db})"), markup=False,
                           highlight=False)
        render_warnings(self.warnings, self.console)
        default = db_path(None)
        self.console.print(safe(f"see it with: {follow_up(['report', run_id], db, default)}   "
                                f"or   {follow_up(['app'], db, default)}"),
                           markup=False, highlight=False, soft_wrap=True)  # pasted whole
