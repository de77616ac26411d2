"""`check` on files nested thousands of levels deep: one clear line naming the file, exit 2 (not
the --fail-on code), and the other files still checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from audit import Config
from audit.runs.check import check_inputs


def _deep_email(path: Path, levels: int = 1200) -> None:
    parts = ["From: a@example.com\nTo: b@example.com\nSubject: Deep\nMIME-Version: 1.0\n"]
    parts += [f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(levels)]
    parts.append("Content-Type: text/plain\n\nRequest a demo with procurement.\n")
    parts += [f"--b{i}--\n" for i in reversed(range(levels))]
    path.write_text("".join(parts), encoding="utf-8")


def _files(tmp_path: Path) -> list[Path]:
    email = tmp_path / "deep.eml"
    _deep_email(email)
    html = tmp_path / "deep.html"
    html.write_text("<html><body>" + "<div>" * 5000 + "<p>Request a demo</p>" + "</div>" * 5000
                    + "</body></html>", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text("# Invoices in two minutes\n\nStart free. Simple pricing.\n", encoding="utf-8")
    return [email, html, good]


def test_check_inputs_reports_a_deep_file_and_goes_on(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    email, _, good = _files(tmp_path)
    outcome = check_inputs([str(email), str(good)], Config(), engine=engine)
    assert [(e.source, "nested too deeply" in e.error) for e in outcome.errors] == [(str(email), True)]
    assert [p["source"] for p in outcome.report["pieces"]] == [str(good)]


def test_cli_check_deep_files_exit_2_with_one_line_each(tmp_path: Path, cli_env: dict[str, str]) -> None:
    files = _files(tmp_path)
    run = subprocess.run([sys.executable, "-m", "audit", "check", *map(str, files), "--fail-on",
                          "wrong-audience"], capture_output=True, text=True, env=cli_env,
                         cwd=tmp_path, timeout=300)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr
    assert f"{files[0]}: nested too deeply to read" in run.stderr
    assert "good.md" in run.stdout and "ON TARGET" in run.stdout
