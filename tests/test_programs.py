"""Regex programs kept between runs give the same patterns as ``re.compile``, and are reused."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from audit import load_packs
from audit.analyze import programs
from audit.analyze.matching import CueMatcher
from audit.analyze.nlp import build_fast
from audit.analyze.tokenpatterns import compile_pattern

SAMPLES = [
    (r"(?i)\b(?:only|just)\s+(?P<n>\d+)\s+left\b", 0),
    (r"\{\{\s*\w+\s*\}\}", 0),
    (r"^(?:added|fixed)\s*:", re.MULTILINE),
    (r"caf(?:é|e)\b", re.IGNORECASE),
]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTIPERSONA_CACHE_DIR", str(folder))
    monkeypatch.setattr(programs, "_known", {})
    return folder


@pytest.mark.parametrize(("pattern", "flags"), SAMPLES)
def test_a_stored_program_makes_the_same_pattern(pattern: str, flags: int, cache: Path) -> None:
    text = "Only 3 left! {{ name }}\nadded: a Café\nfixed : cafe"
    plain = re.compile(pattern, flags)
    first = programs.compile(pattern, flags)  # parsed here, program kept
    again = programs.compile(pattern, flags)  # from the kept program
    for rx in (first, again):
        assert (rx.pattern, rx.flags, rx.groups, rx.groupindex) == \
            (plain.pattern, plain.flags, plain.groups, plain.groupindex)
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_bad_pattern_raises_like_re(cache: Path) -> None:
    with pytest.raises(re.error):
        programs.compile(r"(unclosed")


def test_a_stale_program_is_compiled_afresh(cache: Path) -> None:
    programs._known[(r"ab+", 0)] = ("not", "a", "program")
    assert programs.compile(r"ab+").fullmatch("abbb")


def test_the_matcher_reads_its_programs_back_from_the_cache(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nlp, packs = build_fast(), load_packs()
    CueMatcher(nlp, packs)
    assert list(cache.glob("regex-*.pickle"))
    parsed: list[str] = []
    real = programs._program
    monkeypatch.setattr(programs, "_known", {})  # as a new process would start
    monkeypatch.setattr(programs, "_program",
                        lambda p, f: parsed.append(p) or real(p, f))  # type: ignore[func-returns-value]
    matcher = CueMatcher(nlp, packs)
    assert parsed == []  # every regex came from the stored programs
    doc = nlp("Hi {{first_name}}, only 2 left in stock. Request a demo for your enterprise.")
    assert matcher.find(doc, doc.text)


def test_token_pattern_regexes_are_the_same_text_in_every_process() -> None:
    """Set order differs between processes; a regex built from a set must not, or its kept
    program is never found again."""
    pattern = [{"LOWER": {"IN": ["cheap", "lower", "least", "prime", "basic", "plain"]}},
               {"LOWER": {"IN": ["price", "deals", "offer", "rates", "sales"]}}]
    code = ("import sys; from audit.analyze.tokenpatterns import compile_pattern; "
            f"sys.stdout.write(compile_pattern({pattern!r}).pattern)")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout
            for seed in ("1", "2", "3", "4", "5")}
    assert seen == {compile_pattern(pattern).pattern}
