"""Shared bits of the benchmarks: results as tables, timing, machine facts, child processes.

Every benchmark module exposes ``run(quick: bool = False, **options) -> Result``; a Result is
one section of docs/benchmarks.md (figures with their target and PASS/FAIL, the command, notes).
"""

from __future__ import annotations

import contextlib
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@dataclass
class Row:
    """One figure. ``ok`` is None for informational rows (no target)."""

    figure: str
    value: str
    target: str = ""
    ok: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "FAIL")


@dataclass
class Result:
    name: str
    title: str
    command: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra_md: str = ""
    started: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    load_before: tuple[float, float, float] = field(default_factory=os.getloadavg)
    load_after: tuple[float, float, float] | None = None
    seconds: float = 0.0
    error: str | None = None

    def add(self, figure: str, value: str, target: str = "", ok: bool | None = None) -> Row:
        row = Row(figure, value, target, ok)
        self.rows.append(row)
        return row

    @property
    def passed(self) -> bool | None:
        marks = [r.ok for r in self.rows if r.ok is not None]
        if self.error:
            return False
        return None if not marks else all(marks)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["load_after"] = self.load_after or os.getloadavg()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        data = dict(data)
        rows = [Row(**r) for r in data.pop("rows", [])]
        for key in ("load_before", "load_after"):
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        return cls(rows=rows, **data)

    def markdown(self) -> str:
        out = [f"## {self.title}", ""]
        if self.error:
            out += [f"**ERROR**: `{self.error}`", ""]
        if self.rows:
            out += ["| figure | value | target | result |", "|---|---:|---|---|"]
            for r in self.rows:
                mark = f"**{r.verdict}**" if r.verdict else ""
                out.append(f"| {r.figure} | {r.value} | {r.target} | {mark} |")
            out.append("")
        if self.extra_md:
            out += [self.extra_md.rstrip(), ""]
        for note in self.notes:
            out.append(f"- {note}")
        if self.notes:
            out.append("")
        after = self.load_after or os.getloadavg()
        out.append(f"Command: `{self.command}`  ")
        out.append(f"Run {self.started}, took {self.seconds:.0f} s; load average (1/5/15 min) "
                   f"before {fmt_load(self.load_before)}, after {fmt_load(after)}.")
        return "\n".join(out) + "\n"


def fmt_load(load: Sequence[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float], unit: str = "s", digits: int = 2) -> str:
    """"1.23 s (min 1.20, max 1.40, n=5)"."""
    return (f"{median(values):.{digits}f} {unit} (min {min(values):.{digits}f}, "
            f"max {max(values):.{digits}f}, n={len(values)})")


def machine() -> dict[str, Any]:
    import spacy

    return {
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "load": os.getloadavg(),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run_process(cmd: Sequence[str], *, stdout: Any = subprocess.DEVNULL, timeout: float = 1800,
                env: dict[str, str] | None = None, cwd: Path | None = None,
                ok_codes: Sequence[int] = (0,)) -> float:
    """Run a command to the end and return its wall time; RuntimeError on a bad exit."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=stdout, stderr=err, env=env, cwd=cwd or ROOT,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(proc)
            raise RuntimeError(f"timed out after {timeout:.0f} s: {short_cmd(cmd)}") from None
        except BaseException:
            kill_tree(proc)
            raise
        wall = time.perf_counter() - start
        if code not in ok_codes:
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace")
            raise RuntimeError(f"exit {code}: {short_cmd(cmd)}\n{tail}")
    return wall


def missing_modules(names: Sequence[str]) -> list[str]:
    """The reference tools a benchmark needs that this Python cannot import: without this check a
    missing proselint ran as a command that failed at once and was timed as a fast one."""
    import importlib.util

    return [name for name in names if importlib.util.find_spec(name) is None]


def require_modules(names: Sequence[str]) -> None:
    """Stop with one line naming what to install, before anything is measured."""
    missing = missing_modules(names)
    if missing:
        raise SystemExit(f"bench: {', '.join(missing)} not installed in {sys.prefix}; "
                         "`make bench` installs the reference tools (pip install -e '.[bench]')")


def kill_tree(proc: subprocess.Popen[Any]) -> None:
    """End a child started with start_new_session=True and everything it started."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def short_cmd(cmd: Sequence[str], limit: int = 8) -> str:
    """A command for display: long file lists shortened, the venv python as .venv/bin/python."""
    parts = [shown_path(c) for c in cmd]
    if len(parts) > limit + 2:
        parts = [*parts[:limit], f"... ({len(parts) - limit} more args)"]
    return shlex.join(parts)


def shown_path(arg: str) -> str:
    if arg == PY:
        return ".venv/bin/python"
    with contextlib.suppress(ValueError):
        return str(Path(arg).relative_to(ROOT))
    return arg


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"antipersona-bench-{prefix}-") as tmp:
        yield Path(tmp)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def finish(res: Result, start: float, json_out: str | None) -> int:
    """End of a benchmark's main(): print the section, write JSON when asked, exit status."""
    import json

    res.seconds = time.perf_counter() - start
    res.load_after = os.getloadavg()
    print(res.markdown())
    if json_out:
        Path(json_out).write_text(json.dumps(res.to_json(), indent=1), encoding="utf-8")
    return 0 if res.passed is not False else 1
