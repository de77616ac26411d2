"""Terminal escape injection: control sequences in page titles, subjects, file names, run names
and copy never reach the terminal raw, in any terminal renderer."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from audit import Engine, Piece, Section, Store
from audit.models import InputProblem
from audit.progress import ProgressPrinter
from audit.report.build import build_report
from audit.report.render import render_report
from audit.report.text import render_text
from audit.runs.check import report_header
from audit.termsafe import safe, safe_tree

HOSTILE = ("\x1b[2J\x1b[H"            # clear the screen
           "\x1b]0;owned\x07"         # window title
           "\x1b]8;;https://evil.example/\x1b\\Docs\x1b]8;;\x1b\\"  # OSC 8 hyperlink
           "\u202egnp.exe"            # right-to-left override
           "\x9b31m\x07\x08\x7f")     # 8-bit CSI, bell, backspace, DEL
BAD = ["\x1b", "\x9b", "\u202e", "\x07", "\x08", "\x7f"]


def _clean(text: str) -> bool:
    return not any(b in text for b in BAD)


def test_safe_drops_sequences_and_controls() -> None:
    assert safe(HOSTILE) == "Docsgnp.exe"
    assert safe("two\nlines\tand tab") == "two lines and tab"
    assert safe("two\nlines\tand tab", keep_layout=True) == "two\nlines\tand tab"
    assert safe("Café – “quoted” 50 %") == "Café – “quoted” 50 %"
    assert safe_tree({"a": [HOSTILE, 1, None], HOSTILE: 0.5}) == {"a": ["Docsgnp.exe", 1, None],
                                                                  "Docsgnp.exe": 0.5}


def _hostile_report(engine: Engine) -> dict:
    piece = Piece(id="p1", source=f"page{HOSTILE}.html", channel="landing", title=f"Title{HOSTILE}",
                  sections=[Section("headline", f"Request a demo{HOSTILE} with procurement"),
                            Section("body", f"Our sales team{HOSTILE} needs sign-off.")])
    result = engine.check_piece(piece)
    return build_report(report_header(engine, "check-x"), [result.to_dict()],
                        [{"source": f"bad{HOSTILE}.txt", "error": f"unreadable{HOSTILE}"}])


def test_check_text_output_is_clean(engine: Engine) -> None:
    report = _hostile_report(engine)
    buf = io.StringIO()
    render_text(report, Console(file=buf, width=120, force_terminal=True, color_system="standard"),
                verbose=True)
    out = buf.getvalue()
    assert "Request a demo" in out and "Docsgnp.exe" in out
    for bad in ("\x1b[2J", "\x1b]0;", "\x1b]8;", "\u202e", "\x9b", "\x07", "\x7f"):
        assert bad not in out  # rich's own colour codes (ESC [ ... m) are the only escapes left


def test_report_table_is_clean(engine: Engine, tmp_path: Path) -> None:
    report = _hostile_report(engine)
    db = tmp_path / "runs.db"
    with Store(db) as store:
        run_id = store.create_run(name=f"May{HOSTILE}", sources=[], config={},
                                  personas=report["run"]["personas"], profile="fast", model="blank",
                                  target=engine.config.target)
        piece = report["pieces"][0]
        store.add_result(run_id, piece, sections=[Section("headline", "x")])
        store.add_error(run_id, f"https://x.example/{HOSTILE}", f"HTTP 404{HOSTILE}")
        store.finish_run(run_id, "done")
        out = render_report(store, None, fmt="table", width=160)
    assert "May" in out and _clean(out), repr(out[:400])


def test_progress_lines_are_clean() -> None:
    buf = io.StringIO()
    printer = ProgressPrinter(Console(file=buf, width=200, force_terminal=False))
    printer.problem(InputProblem(f"https://x.example/{HOSTILE}", f"HTTP 404{HOSTILE}"))
    printer.summary(f"run{HOSTILE}", Path(f"runs{HOSTILE}.db"))
    assert "HTTP 404" in buf.getvalue() and _clean(buf.getvalue())


def test_cli_check_output_and_errors_are_clean(tmp_path: Path, cli_env: dict[str, str]) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Pricing&#27;]0;owned&#7;</title></head><body>"
                    "<h1>Request a demo&#27;[2J&#x202e;</h1><p>Procurement&#27;]8;;https://evil.example/"
                    "&#27;\\ and&#155;31m sign-off.</p>"
                    "</body></html>", encoding="utf-8")
    broken = tmp_path / "broken\x1b]0;owned\x07.txt"
    broken.write_bytes(b"")
    env = {**cli_env, "TERM": "xterm-256color"}
    run = subprocess.run([sys.executable, "-m", "audit", "check", str(page), str(broken)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "Procurement" in run.stdout and "sign-off" in run.stdout and "broken" in run.stderr
    assert _clean(run.stdout) and _clean(run.stderr), (run.stdout, run.stderr)


def test_progress_counts_against_the_total_when_it_is_known() -> None:
    from audit.progress import count_text
    from audit.runs.audit import Progress

    assert count_text(Progress(total=40, done=10, failed=2)) == "12/40"
    assert count_text(Progress(total=40, done=3, resumed=30)) == "3/10"  # what is left
    assert count_text(Progress(done=7)) == "7"  # a sitemap: not known yet
    buf = io.StringIO()
    console = Console(file=buf, width=120, force_terminal=True, color_system=None)
    with ProgressPrinter(console) as printer:
        printer.update(Progress(total=40, done=10, failed=2))
        printer._bar.refresh()  # type: ignore[union-attr]
    assert "12/40" in buf.getvalue()
