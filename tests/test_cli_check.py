"""`antipersona check` end to end as a user runs it: real files, real subprocesses, exit codes,
text/JSON/SARIF output, and one clear line for every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ENTERPRISE = ("Enterprise procurement, simplified\n\nRequest a demo to review SSO, SAML and "
              "stakeholder sign-off with our enterprise sales team.\n")
SOLO = "Invoices in two minutes\n\nStart free, no credit card, cancel anytime. Built for freelancers.\n"


def run(args: list[str], env: dict[str, str], cwd: Path, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "audit", *args], input=stdin, capture_output=True,
                          env=env, cwd=cwd)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


@pytest.fixture()
def drafts(tmp_path: Path) -> Path:
    d = tmp_path / "drafts"
    d.mkdir()
    (d / "enterprise.txt").write_text(ENTERPRISE, encoding="utf-8")
    (d / "solo.md").write_text("# Invoices in two minutes\n\nStart free, no credit card, cancel "
                               "anytime. Built for freelancers.\n\n[Start free](https://x.test)\n",
                               encoding="utf-8")
    return d


def test_text_output_names_verdict_phrases_and_suggestions(drafts: Path, tmp_path: Path,
                                                           cli_env: dict[str, str]) -> None:
    r = run(["check", str(drafts / "enterprise.txt")], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "WRONG AUDIENCE" in r.stdout and "Beth the Bureaucrat" in r.stdout
    assert "“SSO”" in r.stdout and "try:" in r.stdout


def test_json_follows_the_contract(drafts: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    r = run(["check", str(drafts), "--format", "json"], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["version"] == 1
    assert set(report) >= {"version", "run", "pieces", "channels", "errors"}
    assert set(report["run"]) >= {"id", "created", "profile", "target", "personas"}
    assert report["run"]["target"] == "susie-solopreneur"
    assert {p["id"] for p in report["run"]["personas"]} == {
        "susie-solopreneur", "beth-bureaucrat", "bargain-hunter", "over-personalization"}
    assert len(report["pieces"]) == 2
    for piece in report["pieces"]:
        assert set(piece) >= {"id", "source", "channel", "title", "words", "scores", "verdict",
                              "evidence", "tone"}
        assert all(0 <= s <= 1 for s in piece["scores"].values())
        assert piece["verdict"]["label"] in ("on-target", "wrong-audience", "mixed", "risk",
                                             "neutral")
        for ev in piece["evidence"]:
            assert set(ev) >= {"persona", "group", "text", "section", "start", "end", "weight",
                               "negated", "suggest"}
        assert set(piece["tone"]) >= {"reading_grade", "avg_sentence_words", "passive_ratio"}
    by_source = {Path(p["source"]).name: p for p in report["pieces"]}
    assert by_source["enterprise.txt"]["verdict"] == {
        **by_source["enterprise.txt"]["verdict"], "label": "wrong-audience",
        "persona": "beth-bureaucrat"}
    assert by_source["solo.md"]["verdict"]["label"] == "on-target"
    channels = report["channels"]
    assert channels and set(channels[0]) >= {"channel", "pieces", "wrong_audience",
                                             "share_by_persona"}


def test_fail_on_sets_exit_code_for_ci(drafts: Path, tmp_path: Path,
                                       cli_env: dict[str, str]) -> None:
    fired = run(["check", str(drafts), "--fail-on", "wrong-audience"], cli_env, tmp_path)
    assert fired.returncode == 1
    # One line per piece that tripped it: source, verdict, persona (solo.md did not).
    tripped = [line for line in fired.stderr.splitlines() if "--fail-on" in line]
    assert len(tripped) == 1
    assert tripped[0].startswith(f"antipersona: --fail-on: {drafts / 'enterprise.txt'}: "
                                 "wrong-audience → Beth the Bureaucrat: \"")
    quiet = run(["check", str(drafts / "solo.md"), "--fail-on", "wrong-audience,risk"], cli_env,
                tmp_path)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "--fail-on" not in quiet.stderr
    bad = run(["check", str(drafts), "--fail-on", "sometimes"], cli_env, tmp_path)
    assert bad.returncode == 2 and "unknown --fail-on" in bad.stderr


def test_sarif_points_at_file_lines(drafts: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    r = run(["check", str(drafts / "enterprise.txt"), "-f", "sarif"], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    sarif = json.loads(r.stdout)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    assert run0["tool"]["driver"]["name"] == "antipersona"
    rule_ids = {rule["id"] for rule in run0["tool"]["driver"]["rules"]}
    assert run0["results"]
    for res in run0["results"]:
        assert res["ruleId"] in rule_ids
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].endswith("enterprise.txt")
        region = loc["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    sso = next(r for r in run0["results"] if r["locations"][0]["physicalLocation"]["region"]
               ["snippet"]["text"] == "SSO")
    line = ENTERPRISE.splitlines()[sso["locations"][0]["physicalLocation"]["region"]["startLine"] - 1]
    col = sso["locations"][0]["physicalLocation"]["region"]["startColumn"]
    assert line[col - 1:col + 2] == "SSO"


def test_stdin(tmp_path: Path, cli_env: dict[str, str]) -> None:
    r = run(["check", "-", "--channel", "ad", "-f", "json"], cli_env, tmp_path,
            stdin=ENTERPRISE.encode())
    assert r.returncode == 0, r.stderr
    piece = json.loads(r.stdout)["pieces"][0]
    assert piece["source"] == "<stdin>" and piece["channel"] == "ad"


def test_bad_inputs_each_get_one_line_and_the_rest_is_checked(tmp_path: Path,
                                                               cli_env: dict[str, str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SOLO, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Café owners: start free, no credit card. Crème brûlée included.".encode(
        "latin-1"))
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    missing = tmp_path / "missing.md"
    r = run(["check", str(good), str(empty), str(binary), str(latin), str(folder), str(missing),
             "-f", "json"], cli_env, tmp_path)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in r.stderr
    assert any(str(empty) in ln and "empty" in ln for ln in lines)
    assert any(str(binary) in ln and "binary" in ln.lower() for ln in lines)
    assert any(str(folder) in ln and "folder" in ln for ln in lines)
    assert any(str(missing) in ln and "no such file" in ln for ln in lines)
    assert len(lines) == 4, lines
    report = json.loads(r.stdout)
    sources = {Path(p["source"]).name for p in report["pieces"]}
    assert sources == {"good.txt", "latin1.txt"}, "good and re-decoded inputs are still checked"
    latin_piece = next(p for p in report["pieces"] if p["source"].endswith("latin1.txt"))
    assert "Café" in latin_piece["title"] or any("Café" in e["sentence"]
                                                 for e in latin_piece["evidence"])
    assert {e["source"] for e in report["errors"]} == {str(empty), str(binary), str(folder),
                                                       str(missing)}


def test_a_page_with_no_copy_is_skipped_with_a_warning_not_failed(tmp_path: Path,
                                                                   cli_env: dict[str, str]) -> None:
    """A content folder holds pages with nothing to check (a section index of front matter
    only, a template partial, a page of code): CI and the pre-commit hook must not fail on them."""
    content = tmp_path / "content"
    (content / "blog").mkdir(parents=True)
    (content / "blog" / "_index.md").write_text("---\nlayout: list\nweight: 3\n---\n",
                                                encoding="utf-8")
    (content / "partial.html").write_text("<!-- filled in by the theme -->\n", encoding="utf-8")
    (content / "snippet.md").write_text("```sh\nmake build\n```\n", encoding="utf-8")
    (content / "solo.md").write_text(SOLO, encoding="utf-8")
    r = run(["check", "content", "--fail-on", "wrong-audience,risk", "-f", "json"], cli_env,
            tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [p["source"] for p in report["pieces"]] == ["content/solo.md"]
    assert report["errors"] == []
    assert {w["source"] for w in report["warnings"]} == {
        "content/blog/_index.md", "content/partial.html", "content/snippet.md"}
    assert all("nothing to check" in w["warning"] for w in report["warnings"])
    text = run(["check", "content/blog/_index.md"], cli_env, tmp_path)
    assert text.returncode == 0, text.stderr
    assert "warning: content/blog/_index.md: no readable copy found in it; nothing to check" in (
        text.stdout)
    sarif = run(["check", "content/partial.html", "-f", "sarif"], cli_env, tmp_path)
    assert sarif.returncode == 0
    notes = json.loads(sarif.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["warning"]
    # An empty file is still refused, as before.
    (content / "empty.md").write_text("", encoding="utf-8")
    assert run(["check", "content/empty.md"], cli_env, tmp_path).returncode == 2


def test_size_limit_from_config(tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "antipersona.toml").write_text("max_file_bytes = 1000\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("Start free today. " * 200, encoding="utf-8")
    r = run(["check", str(big)], cli_env, tmp_path)
    assert r.returncode == 2
    assert "big.txt: file is 3.6 KB, over the 1.0 KB limit" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_channel_and_format_are_usage_errors(drafts: Path, tmp_path: Path,
                                                     cli_env: dict[str, str]) -> None:
    r = run(["check", str(drafts), "--channel", "carrier-pigeon"], cli_env, tmp_path)
    assert r.returncode == 2 and "unknown channel 'carrier-pigeon'" in r.stderr
    r = run(["check", str(drafts), "--format", "pdf"], cli_env, tmp_path)
    assert r.returncode == 2 and "unknown --format" in r.stderr
    r = run(["check"], cli_env, tmp_path)
    assert r.returncode == 2
    r = run(["check", "-", "--channel", ""], cli_env, tmp_path, stdin=b"Start free.")
    assert r.returncode == 2 and "unknown channel ''" in r.stderr
    r = run(["check", "https://example.test/pricing"], cli_env, tmp_path)
    assert r.returncode == 2
    assert "https://example.test/pricing: check reads files and drafts; audit a web page with " \
           "`antipersona audit URL`" in r.stderr


@pytest.mark.parametrize(("config", "message"), [
    ("[section_weights]\nheadlin = 2\n", "unknown section role 'headlin'"),
    ("[thresholds]\nrisk = 0.6\nrisk_override = 0.5\n",
     "thresholds.risk_override (0.5) must not be below thresholds.risk (0.6)"),
])
def test_config_mistakes_are_named(tmp_path: Path, cli_env: dict[str, str], config: str,
                                   message: str) -> None:
    (tmp_path / "antipersona.toml").write_text(config, encoding="utf-8")
    r = run(["check", "-"], cli_env, tmp_path, stdin=b"Start free.")
    assert r.returncode == 2 and f"antipersona.toml: {message}" in r.stderr, r.stderr


def test_config_file_sets_target_and_thresholds(drafts: Path, tmp_path: Path,
                                                cli_env: dict[str, str]) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.antipersona]\n[tool.antipersona.section_weights]\nbody = 0\nheadline = 0\n",
        encoding="utf-8")
    r = run(["check", str(drafts / "enterprise.txt"), "-f", "json"], cli_env, tmp_path)
    assert json.loads(r.stdout)["pieces"][0]["verdict"]["label"] == "neutral"
    (tmp_path / "pyproject.toml").write_text("[tool.antipersona]\ntarget = 'nobody'\n",
                                             encoding="utf-8")
    r = run(["check", str(drafts)], cli_env, tmp_path)
    assert r.returncode == 2 and "target persona 'nobody'" in r.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.antipersona]\nthresholds = 3\n",
                                             encoding="utf-8")
    r = run(["check", str(drafts)], cli_env, tmp_path)
    assert r.returncode == 2 and "pyproject.toml" in r.stderr and "Traceback" not in r.stderr


def test_version_and_module_entry(tmp_path: Path, cli_env: dict[str, str]) -> None:
    r = run(["--version"], cli_env, tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("antipersona ")


def test_text_output_says_why_a_cue_does_not_count(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A template's placeholder and a cue in a sentence that informs are listed with the reason
    they count little or nothing, and get no advice to rewrite them."""
    template = tmp_path / "reminder.txt"
    template.write_text("Hi {first_name}, your {product} waits in your basket at {store}.\n",
                        encoding="utf-8")
    r = run(["check", "--model", "fast", str(template)], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "merge-tag-leaks (a template's placeholder, filled in when sent: not counted)" in out
    assert "Hi there" not in out  # the group's suggestion is not offered


def test_text_output_lists_ten_cues_a_sentence(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A run-on sentence holding dozens of cues lists ten and says how many more there are
    (a page of them printed one line a cue took seconds and said nothing new)."""
    page = tmp_path / "runon.txt"
    page.write_text("Our " + ", ".join(["procurement"] * 15) + " team.\n", encoding="utf-8")
    r = run(["check", "--model", "fast", str(page)], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("procurement-and-legal") == 10
    assert "5 more cues in this sentence (--verbose shows all)" in " ".join(r.stdout.split())
    verbose = run(["check", "--model", "fast", "--verbose", str(page)], cli_env, tmp_path)
    assert verbose.stdout.count("procurement-and-legal") == 15
