"""Starting an audit run from the app: saved uploads, the command line, progress wording.

The run itself is the ``audit`` CLI in a subprocess, so it keeps going when the user clicks
around (or closes the tab) and the app only polls the store for its progress.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..sources.lists import is_sitemap_source, url_problem

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_CHARS = 80


def safe_filename(name: str, fallback: str = "upload") -> str:
    """A file name with no folders, no leading dots and only plain characters."""
    base = Path(name.replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip("._-")
    if not base:
        return fallback
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > MAX_NAME_CHARS:
        return stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix
    return base[:MAX_NAME_CHARS]


def upload_dir(db: Path, now: datetime) -> Path:
    """``<db dir>/uploads/<timestamp>``: next to the runs that read them, one folder per start."""
    return db.resolve().parent / "uploads" / now.strftime("%Y%m%d-%H%M%S-%f")


def save_uploads(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write uploaded files under ``folder`` with safe, distinct names; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, data in files:
        target = folder / safe_filename(name)
        n = 1
        while target in paths or target.exists():
            n += 1
            target = folder / f"{n}-{safe_filename(name)}"
        target.write_bytes(data)
        paths.append(target)
    return paths


@dataclass(slots=True)
class PastedSources:
    """Pasted lines sorted into page URLs, sitemap URLs and lines that are not addresses."""

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_pasted(text: str) -> PastedSources:
    """One address a line; blank lines and ``#`` comments skipped, bad lines explained."""
    out = PastedSources()
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        why = url_problem(line)
        if why:
            out.problems.append(f"line {n}: {line[:80]!r} is not a web address ({why})")
        elif is_sitemap_source(line):
            out.sitemaps.append(line)
        else:
            out.pages.append(line)
    return out


def write_url_list(folder: Path, urls: Sequence[str]) -> Path:
    """Pasted page URLs become a URL list file, the form the ``audit`` command reads."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pasted-urls.txt"
    path.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return path


def default_run_name(now: datetime) -> str:
    return f"app-{now:%Y%m%d-%H%M%S}"


def audit_command(sources: Sequence[str], db: Path, name: str, *, allow_private: bool = False,
                  delay: float | None = None, concurrency: int | None = None,
                  render: str = "never", python: str = sys.executable) -> list[str]:
    """The ``audit`` command line for a run. A source that looks like an option is refused,
    so nothing typed into the app can change the command's flags."""
    bad = [s for s in sources if not s or s.startswith("-")]
    if bad:
        raise ValueError(f"not a source: {bad[0]!r}")
    if not sources:
        raise ValueError("no sources to audit")
    cmd = [python, "-m", "audit", "audit", *sources, "--db", str(db), "--name", name]
    if allow_private:
        cmd.append("--allow-private")
    if delay is not None:
        cmd += ["--delay", f"{delay:g}"]
    if concurrency is not None:
        cmd += ["--concurrency", str(int(concurrency))]
    if render not in ("never", "auto", "always"):
        raise ValueError(f"not a render mode: {render!r}")
    if render != "never":
        cmd += ["--render", render]
    return cmd


def start_audit(cmd: Sequence[str], log_path: Path, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start the run in its own session, output to a log file, so it outlives the page."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(list(cmd), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})


def log_tail(path: Path, lines: int = 12) -> str:
    """The last lines the run printed (its progress and any error)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 8192))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.replace("\r", "\n").splitlines()[-lines:])


def _num(progress: Mapping[str, Any], key: str) -> float:
    value = progress.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _finished(progress: Mapping[str, Any]) -> float:
    """Sources dealt with: analysed, failed, skipped, and those a resumed run kept."""
    return sum(_num(progress, key) for key in ("done", "failed", "skipped", "resumed"))


def progress_fraction(progress: Mapping[str, Any] | None) -> float:
    """Finished share in [0, 1] (failed and skipped pieces count: they are finished)."""
    if not progress:
        return 0.0
    total = _num(progress, "total")
    if total <= 0:
        return 0.0
    return max(0.0, min(1.0, _finished(progress) / total))


def format_eta(seconds: float) -> str:
    if seconds <= 0:
        return ""
    if seconds < 90:
        return f"about {seconds:.0f} s left"
    if seconds < 5400:
        return f"about {seconds / 60:.0f} min left"
    return f"about {seconds / 3600:.1f} h left"


def progress_caption(progress: Mapping[str, Any] | None) -> str:
    """"124 of 400 sources · 120 analysed · 3 failed · 1 skipped · 4.2 pieces/s · about 1 min
    left": the bar's own count first, so its length and its words agree."""
    if not progress:
        return "starting…"
    total = int(_num(progress, "total"))
    finished = int(_finished(progress))
    parts = [f"{finished:,} of {total:,} sources" if total else
             f"{finished:,} sources so far (the total is known once sitemaps, mailboxes and ad "
             "exports are read)"]
    counts = [(int(_num(progress, key)), word) for key, word in
              (("done", "analysed"), ("failed", "failed"), ("skipped", "skipped"),
               ("resumed", "kept from before"), ("warnings", "with a warning"))]
    parts += [f"{n:,} {word}" for n, word in counts if n]
    rate = _num(progress, "rate")
    if rate > 0:
        parts.append(f"{rate:.1f} pieces/s")
    eta = format_eta(_num(progress, "eta"))
    if eta:
        parts.append(eta)
    return " · ".join(parts)


def runs_signature(runs: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    """What the Run page's list shows that a run's end changes: which runs exist and their
    status. The live progress poll redraws the whole page when it changes."""
    return tuple((str(r.get("id")), str(r.get("status"))) for r in runs)


def failure_line(log_text: str) -> str:
    """The audit's own last "antipersona: …" line from its output: why it stopped."""
    for line in reversed(log_text.splitlines()):
        line = line.strip()
        if line.startswith("antipersona: "):
            return line.removeprefix("antipersona: ")
    return ""
