"""`check -f rdjson`: reviewdog's DiagnosticResult, valid against its schema, each phrase placed
exactly (1-based lines, UTF-8 byte columns, exclusive end) in the file as written, curly
apostrophes and entities included; severity by verdict, the cue group as code, suggestions
only where they are drop-in replacements."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from audit import Config, Engine
from audit.report.rdjson import build_rdjson, severity
from audit.runs.check import check_inputs
from tests.support.rdjson_schema import SCHEMA, STRICT


def rdjson_of(paths: list[Path], engine: Engine) -> dict[str, Any]:
    outcome = check_inputs([str(p) for p in paths], Config(), engine=engine)
    result = build_rdjson(outcome.report, outcome.originals)
    jsonschema.validate(result, SCHEMA)
    jsonschema.validate(result, STRICT)
    return result


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def placed(path: Path, diagnostic: dict[str, Any]) -> str:
    """The bytes the diagnostic's range covers in the file, decoded (one-line ranges)."""
    rng = diagnostic["location"]["range"]
    assert rng["start"]["line"] == rng["end"]["line"]
    line = path.read_bytes().split(b"\n")[rng["start"]["line"] - 1]
    return line[rng["start"]["column"] - 1:rng["end"]["column"] - 1].decode("utf-8")


CURLY = ("# Books for your organisation\u2019s stakeholders\n\n"
         "\U0001F4BC We\u2019ll loop in your organization\u2019s stakeholders before the "
         "procurement review.\n\n"
         "[Request a demo](https://example.test/demo)\n")


def test_phrases_are_placed_in_utf8_bytes_with_curly_apostrophes(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "pricing.md", CURLY)
    result = rdjson_of([path], engine)
    by_text = {d["message"].split('"')[1]: d for d in result["diagnostics"]}
    stakeholders = by_text["your organization's stakeholders"]
    # before it on line 3: a 4-byte emoji, a space, "We", a 3-byte apostrophe, "ll loop in ":
    # byte column 22 (character column 17)
    assert stakeholders["location"] == {"path": "pricing.md", "range": {
        "start": {"line": 3, "column": 22}, "end": {"line": 3, "column": 56}}}
    assert placed(path, stakeholders) == "your organization\u2019s stakeholders"
    assert placed(path, by_text["your organisation's stakeholders"]) == \
        "your organisation\u2019s stakeholders"
    assert placed(path, by_text["procurement"]) == "procurement"
    demo = by_text["Request a demo"]
    assert placed(path, demo) == "Request a demo"
    assert demo["severity"] == "ERROR" and result["severity"] == "ERROR"
    assert demo["code"] == {"value": "sales-led-buying"}
    assert result["source"]["name"] == "antipersona"


def test_suggestion_replaces_a_whole_call_to_action_only(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "pricing.md", CURLY)
    by_text = {d["message"].split('"')[1]: d for d in rdjson_of([path], engine)["diagnostics"]}
    [suggestion] = by_text["Request a demo"]["suggestions"]
    assert suggestion["range"] == by_text["Request a demo"]["location"]["range"]
    assert suggestion["text"][0].isupper() and suggestion["text"].lower() != "request a demo"
    # in the middle of a sentence, swapping the phrase would break it: advice only
    assert "suggestions" not in by_text["procurement"]
    assert "Try:" in by_text["procurement"]["message"]


def test_html_entities_for_apostrophes_are_found(tmp_path: Path, engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    html = ("<!doctype html>\n<html><body>\n<h1>Books for small shops</h1>\n"
            "<p>First we meet your organization&rsquo;s stakeholders, then procurement.</p>\n"
            "</body></html>\n")
    path = write(tmp_path, "about.html", html)
    [d] = [d for d in rdjson_of([path], engine)["diagnostics"] if "stakeholders" in d["message"]]
    assert placed(path, d) == "your organization&rsquo;s stakeholders"


def test_severity_follows_the_verdict(tmp_path: Path, engine: Engine,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert [severity(v) for v in ("wrong-audience", "risk", "mixed", "on-target", "neutral")] \
        == ["ERROR", "ERROR", "WARNING", "INFO", "INFO"]
    monkeypatch.chdir(tmp_path)
    risky = write(tmp_path, "risky.txt", "Hi {{first_name}}, we noticed you looked at our "
                                         "pricing page three times this week.\n")
    mixed = write(tmp_path, "mixed.txt", "Start free in two minutes, no card needed. Or request "
                                         "a demo and talk to our procurement team about SSO.\n")
    clean = write(tmp_path, "clean.txt", "Simple invoicing for one-person shops. Start free "
                                         "today, set it up yourself in minutes.\n")
    result = rdjson_of([risky, mixed, clean], engine)
    levels = {d["location"]["path"]: d["severity"] for d in result["diagnostics"]}
    assert levels == {"risky.txt": "ERROR", "mixed.txt": "WARNING"}


def test_cli_writes_paths_relative_to_the_working_directory(tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    (tmp_path / "content").mkdir()
    path = write(tmp_path / "content", "plans.md", CURLY)
    proc = subprocess.run([sys.executable, "-m", "audit", "check", str(path), "-f", "rdjson"],
                          capture_output=True, env=cli_env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)
    jsonschema.validate(result, STRICT)
    assert {d["location"]["path"] for d in result["diagnostics"]} == {"content/plans.md"}
