"""YAML from users: a "billion laughs" pack or eval file, deep nesting and oversized files are
refused fast with the file and line, never walked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audit.packs.lexicon import lint_paths
from audit.safeyaml import MAX_YAML_BYTES, YamlRefused, load

#: 630 bytes or so: nine levels of nine aliases each, about 387 million leaves if expanded.
LAUGHS_PACK = "id: laughs\nname: Laughs\nkind: anti-persona\n" + "".join(
    f"x{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else '"lol"'] * 9) + "]\n" for i in range(9)
) + "cues:\n  - group: laughs\n    terms: *l8\n"


def test_load_refuses_aliases_with_the_anchor_line() -> None:
    with pytest.raises(YamlRefused) as info:
        load("a: &x [1, 2]\nb: *x\n")
    assert info.value.line == 1 and "aliases" in info.value.message


def test_load_refuses_deep_nesting_and_size() -> None:
    with pytest.raises(YamlRefused, match="nested deeper"):
        load("a: " + "[" * 500 + "]" * 500)
    with pytest.raises(YamlRefused, match="MB"):
        load("a: " + "x" * (MAX_YAML_BYTES + 1))
    assert load("a: [1, {b: c}]\n") == {"a": [1, {"b": "c"}]}


def test_lint_refuses_billion_laughs(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS_PACK, encoding="utf-8")
    assert len(LAUGHS_PACK) < 1000
    _, problems = lint_paths([path])
    assert len(problems) == 1 and problems[0].startswith(f"{path}:")
    assert "aliases" in problems[0]


def test_lint_refuses_an_oversized_pack_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as fh:
        fh.write("id: huge\nname: Huge\nkind: anti-persona\ncues:\n  - group: g\n    terms:\n")
        fh.write("      - filler\n" * (MAX_YAML_BYTES // 14 + 10))
    _, problems = lint_paths([path])
    assert problems == [f"{path}:1: the file is {path.stat().st_size / 1e6:.1f} MB; YAML files "
                        "are read up to 2 MB"]


def test_cli_lint_and_check_refuse_billion_laughs_fast(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(LAUGHS_PACK, encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Start free today.", encoding="utf-8")
    for args in (["personas", "lint", str(path)], ["check", str(draft), "--personas", str(path)]):
        run = subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True,
                             env=cli_env, cwd=tmp_path, timeout=120)
        assert run.returncode == 2, run.stderr
        assert f"{path}:" in run.stdout + run.stderr and "aliases" in run.stdout + run.stderr
        assert "Traceback" not in run.stderr


def test_eval_refuses_billion_laughs(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text("a: &a [x, x, x]\nb: &b [*a, *a, *a]\npieces:\n  - {text: hi, label: on-target, "
                    "extra: *b}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "audit", "eval", str(path)], capture_output=True,
                         text=True, env=cli_env, cwd=tmp_path, timeout=120)
    assert run.returncode == 2
    assert f"{path}:1" in run.stderr and "aliases" in run.stderr and "Traceback" not in run.stderr
