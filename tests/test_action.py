"""The composite GitHub Action's check step, run as the runner would run it (bash, with the
inputs as environment variables) in a repository with a pull request's changes: only the
changed copy files are checked, the report is written where asked, --fail-on fails the step."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="needs git and bash")


def check_step() -> dict:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    return step


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x.test",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x.test"}
                          ).stdout.strip()


def repo_with_change(tmp_path: Path, base: dict[str, str], change: dict[str, str]
                     ) -> tuple[Path, str]:
    """A repository with a base commit of ``base`` files and a second one adding ``change``
    (relative path -> text); returns it and the base commit, as a pull request sees them."""
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    shas = []
    for files, message in ((base, "base"), (change, "change")):
        for name, text in files.items():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(text)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", message)
        shas.append(git(repo, "rev-parse", "HEAD"))
    return repo, shas[0]


def run_step(repo: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """The check step run in ``repo`` as the runner runs it: bash, the inputs as environment
    variables (FILES, FAIL_ON, FORMAT, OUTPUT, BASE_SHA, GITHUB_OUTPUT), no remote to fetch."""
    env = {**os.environ, **inputs,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = check_step()["run"].replace("git fetch --quiet --depth=1 origin", "true")
    return subprocess.run(["bash", "-c", script], cwd=repo, env=env, capture_output=True,
                          text=True)


@pytest.mark.parametrize("fmt", ["sarif", "rdjson"])
def test_action_checks_the_changed_copy_only(tmp_path: Path, fmt: str) -> None:
    repo, base = repo_with_change(
        tmp_path, {"old.md": "# Old page\n\nRequest a demo with procurement.\n"},
        {"pricing.md": "# Plans\n\nTalk to sales about SSO, SOC 2 and your procurement review "
                       "before the steering committee signs off.\n",
         "app.js": "// request a demo\n"})
    output = tmp_path / "out" / f"report.{fmt}"
    output.parent.mkdir()
    gh_output = tmp_path / "github-output"
    proc = run_step(repo, FILES="", FAIL_ON="wrong-audience,risk", FORMAT=fmt,
                    OUTPUT=str(output), BASE_SHA=base, GITHUB_OUTPUT=str(gh_output))
    assert proc.returncode == 1, proc.stderr  # --fail-on fired on pricing.md
    assert "pricing.md: wrong-audience" in proc.stderr
    assert f"report={output}" in gh_output.read_text()
    report = json.loads(output.read_text())
    if fmt == "sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in report["runs"][0]["results"]}
    else:
        uris = {d["location"]["path"] for d in report["diagnostics"]}
    assert uris == {"pricing.md"}  # old.md is unchanged, app.js is not copy


def test_action_with_nothing_to_check_writes_an_empty_report(tmp_path: Path) -> None:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    output = tmp_path / "report.sarif"
    proc = run_step(repo, FILES="", FAIL_ON="wrong-audience", FORMAT="sarif",
                    OUTPUT=str(output), BASE_SHA="", GITHUB_OUTPUT=str(tmp_path / "gh"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(output.read_text())["runs"][0]["results"] == []


@pytest.mark.parametrize("names", ["lines", "spaces", "changed"])
def test_action_keeps_file_names_with_spaces_whole(tmp_path: Path, names: str) -> None:
    """One name a line keeps the spaces in a name; one line of names splits on spaces; the
    names git lists for a pull request arrive whole whatever they hold."""
    repo, base = repo_with_change(
        tmp_path, {"keep.md": "# Home\n\nMade for freelancers.\n"},
        {"launch notes/price page.md": "# Plans\n\nTalk to sales about SSO and your "
                                       "procurement review.\n",
         "café.md": "# Menu\n\nStart free, cancel anytime.\n"})
    files = {"lines": "launch notes/price page.md\n  café.md  \n\n",
             "spaces": "café.md keep.md", "changed": ""}[names]
    output = tmp_path / "report.rdjson"
    proc = run_step(repo, FILES=files, FAIL_ON="", FORMAT="rdjson", OUTPUT=str(output),
                    BASE_SHA=base if names == "changed" else "",
                    GITHUB_OUTPUT=str(tmp_path / "gh"))
    assert proc.returncode == 0, proc.stderr
    assert "error" not in proc.stderr.lower(), proc.stderr
    paths = {d["location"]["path"] for d in json.loads(output.read_text())["diagnostics"]}
    if names == "spaces":
        assert paths <= {"café.md", "keep.md"} and "launch notes/price page.md" not in paths
    else:
        assert "launch notes/price page.md" in paths
