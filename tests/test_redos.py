"""Pack regexes that could hang a check (ReDoS): refused at lint with file:line, and every pack
regex runs with a time bound for what the lint lets through."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit.analyze.charregex import CharRegex, CharRegexes, RegexTimeout
from audit.analyze.nlp import build_fast
from audit.packs.lexicon import lint_paths, load_packs
from audit.packs.redos import catastrophic

EXPONENTIAL = [r"(a+)+$", r"(a|aa)+$", r"(.|\s)*x", r"(\d+,?)+$", r"(a+b*)*$", r"(\w+\s?)+$",
               r"(a|a)*$", r"((ab)*)*c", r"(?:\d{1,3})+x", r"(\w|ab)+$", r"(?i)(?:[A-Z][a-z]+\s?)+$",
               r"(a?b?)+c", r"(x+x+)+y", r"(?:a*)*b", r"^(([a-z])+.)+[A-Z]([a-z])+$",
               r"(\w+){1,10}$", r"(a|ab?)+$"]
SAFE = [r"(?:\w+\.)*", r"(\w+\s+)*$", r"(?:Hey|Hello)+", r"(?:[A-Z][a-z]+\s?)+$", r"(ab?)+",
        r"(\w|\d)+$", r"\b\d{1,3}%off\b", r"(?:\s[A-Z][\w.'’-]*){0,2}", r"[a-z]+",
        r"(?:\d{1,3},)+\d{3}", r"(a|b)+", r"(?:a+){2}", r"(?>a+)+$", r"(a++)+$"]


@pytest.mark.parametrize("pattern", EXPONENTIAL)
def test_exponential_shapes_are_named(pattern: str) -> None:
    assert catastrophic(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_shapes_pass(pattern: str) -> None:
    assert catastrophic(pattern) is None


def test_shipped_packs_pass() -> None:
    packs, problems = lint_paths([Path(p) for p in {pk.path for pk in load_packs()}])
    assert not problems and len(packs) == 4


HOSTILE = """\
id: hostile
name: Hostile
kind: anti-persona
cues:
  - group: slow
    terms: [request a demo]
    regex:
      - '(a+)+$'
"""

HOSTILE_TOKEN = """\
id: hostile
name: Hostile
kind: anti-persona
cues:
  - group: slow
    patterns:
      - [{TEXT: {REGEX: '^(a+)+$'}}]
"""


def test_lint_refuses_a_hostile_regex_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    _, problems = lint_paths([path])
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:8: regular expression '(a+)+$' can take exponential time")


def test_lint_refuses_a_hostile_token_regex(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE_TOKEN, encoding="utf-8")
    _, problems = lint_paths([path])
    assert problems[0].startswith(f"{path}:7: in a token pattern: regular expression '^(a+)+$'")


def test_cli_refuses_the_hostile_pack_fast(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    draft = tmp_path / "draft.txt"
    draft.write_text("a" * 41 + "!", encoding="utf-8")  # froze check before the fix
    lint = subprocess.run([sys.executable, "-m", "audit", "personas", "lint", str(path)],
                          capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=120)
    assert lint.returncode == 2 and f"{path}:8:" in lint.stdout
    check = subprocess.run([sys.executable, "-m", "audit", "check", str(draft), "--personas",
                            str(tmp_path / "hostile.yaml")], capture_output=True, text=True,
                           env=cli_env, cwd=tmp_path, timeout=120)
    assert check.returncode == 2
    assert "exponential time" in check.stderr and "Traceback" not in check.stderr


def test_a_regex_past_its_time_is_stopped() -> None:
    """What the lint lets through cannot hang a check: each regex has a time budget per text."""
    nlp = build_fast()
    chars = CharRegexes(nlp, [CharRegex(re.compile(r"(a+)+$"), 0, 0, "hostile/slow")])
    text = "a" * 5000 + "!"
    start = time.monotonic()
    with pytest.raises(RegexTimeout, match="hostile/slow"):
        list(chars.run(text, text.lower(), {}))
    assert time.monotonic() - start < 30  # the budget is 1 s; generous for a loaded machine


def test_only_users_packs_run_with_a_time_bound(tmp_path: Path) -> None:
    """Shipped packs are linted and tested here and run on ``re`` (fast to compile in every
    worker); a pack from a user's folder runs on ``regex`` with its time budget."""
    from audit import Config, Engine
    from audit.packs.locations import SHIPPED_PACKS

    shipped = Engine(Config(), model="fast").matcher.chars
    assert shipped.entries and all(e.trusted for e in shipped.entries)
    assert all(rx is None for rx in shipped._bounded)
    own = tmp_path / "packs"
    own.mkdir()
    for pack in SHIPPED_PACKS.glob("*.yaml"):
        (own / pack.name).write_text(pack.read_text(encoding="utf-8"), encoding="utf-8")
    mine = Engine(Config(personas=(own,)), model="fast").matcher.chars
    assert mine.entries and not any(e.trusted for e in mine.entries)
    assert all(rx is not None for rx in mine._bounded)
