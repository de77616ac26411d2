"""The on-disk cache only saves time: same packs back, rebuilt when broken, off when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import load_packs
from audit.packs import packcache


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTIPERSONA_CACHE_DIR", str(folder))
    return folder


def test_packs_come_back_the_same_from_the_cache(cache: Path) -> None:
    first = load_packs()
    assert list(cache.glob("packs-*.pickle"))
    assert load_packs() == first


def test_a_broken_entry_is_rebuilt(cache: Path) -> None:
    calls = []

    def build() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    assert packcache.cached("demo", ["a"], build) == [1, 2, 3]
    for entry in cache.glob("demo-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert packcache.cached("demo", ["a"], build) == [1, 2, 3]
    assert len(calls) == 2
    assert packcache.cached("demo", ["b"], build) == [1, 2, 3]  # other inputs, other entry
    assert len(calls) == 3


def test_an_edited_pack_is_not_served_stale(cache: Path, tmp_path: Path) -> None:
    src = Path(__file__).resolve().parent.parent / "lexicons" / "susie-solopreneur.yaml"
    folder = tmp_path / "packs"
    folder.mkdir()
    pack = folder / "susie-solopreneur.yaml"
    pack.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    before = load_packs([folder])[0]
    pack.write_text(src.read_text(encoding="utf-8").replace("name: ", "name: Edited ", 1),
                    encoding="utf-8")
    after = load_packs([folder])[0]
    assert after.name.startswith("Edited") and not before.name.startswith("Edited")


def test_off_and_unwritable_caches_still_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANTIPERSONA_CACHE_DIR", "off")
    assert packcache.cache_dir() is None
    assert packcache.cached("demo", ["a"], lambda: 5) == 5
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ANTIPERSONA_CACHE_DIR", str(blocked / "sub"))
    assert packcache.cached("demo", ["a"], lambda: 6) == 6


def test_the_key_covers_every_module_after_the_move() -> None:
    """Packs are read in packs/, compiled with analyze/ (matching, token patterns, nlp) and the
    analyser's word lists: the key must change when any of them does."""
    package = Path(packcache.__file__).resolve().parent.parent
    watched = {p.relative_to(package).as_posix() for p in packcache.code_files()}
    for needed in ("packs/lexicon.py", "packs/packcache.py", "analyze/matching.py",
                   "analyze/tokenpatterns.py", "analyze/nlp.py", "analyze/language.py",
                   "models.py", "data/language.yaml"):
        assert needed in watched
    assert {p.split("/")[0] for p in watched} >= {"packs", "analyze", "engine", "score"}
