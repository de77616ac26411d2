"""A small on-disk cache for work every start would otherwise repeat: reading and validating the
packs, tokenising their few thousand terms and the tone lists, parsing the analyser's word lists
(``language.yaml``). A ``check`` in CI on three files should not spend most of its time
re-reading YAML it read a minute ago.

Entries are keyed by a hash of everything they depend on (the pack files' bytes, the versions of
Python, spaCy and antipersona, the pipeline), so an edited pack is simply a new entry. The cache
lives in ``$ANTIPERSONA_CACHE_DIR``, else ``$XDG_CACHE_HOME/antipersona``, else
``~/.cache/antipersona``; ``ANTIPERSONA_CACHE_DIR=off`` turns it off. A cache that cannot be read
or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Bump when what is cached changes shape.
_FORMAT = "1"
#: Entries older than this many newest ones are removed when a new one is written.
_KEEP = 64


def cache_dir() -> Path | None:
    configured = os.environ.get("ANTIPERSONA_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "antipersona"


def _spacy_release() -> bytes:
    """spaCy's about.py (its version), read rather than imported: importing spaCy takes longer
    than what the cache saves, and the process writing a report may not need spaCy at all."""
    spec = importlib.util.find_spec("spacy")
    try:
        return Path(spec.origin).with_name("about.py").read_bytes() if spec and spec.origin else b""
    except OSError:
        return b""


def code_files() -> list[Path]:
    """What the key watches of the package itself (path, size, change time): every module in
    every sub-package and the analyser's word lists. Code that reads, validates or compiles
    packs may change between releases of the same version while someone works on it, and it
    may live in any stage (packs, analyze, ...)."""
    package = Path(__file__).resolve().parent.parent
    return sorted([*package.rglob("*.py"), *(package / "data").glob("*.yaml")])


@functools.lru_cache(maxsize=1)
def _code() -> str:
    """The package's modules as the key sees them, read once per process (a start asks for
    several entries)."""
    package = Path(__file__).resolve().parent.parent
    return "".join(f"{p.relative_to(package).as_posix()}:{st.st_size}:{st.st_mtime_ns};"
                   for p in code_files() for st in (p.stat(),))


def _key(kind: str, parts: Iterable[bytes | str]) -> str:
    from .. import __version__

    h = hashlib.sha256()
    for part in (_FORMAT, kind, sys.version, _spacy_release(), __version__, _code(), *parts):
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def cached(kind: str, parts: Iterable[bytes | str], build: Callable[[], T]) -> T:
    """``build()``, or what it returned last time for the same ``parts``."""
    key = key_of(kind, parts)
    found = load(kind, key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    store(kind, key, value)
    return value


def key_of(kind: str, parts: Iterable[bytes | str]) -> str:
    """The entry name for ``parts`` ("" when the cache is off): for :func:`load` and
    :func:`store`, when what is built is not one function's result."""
    return _key(kind, parts) if cache_dir() is not None else ""


def load(kind: str, key: str) -> object | None:
    """The value stored under ``key``, or None (no entry, unreadable, or the cache is off)."""
    folder = cache_dir()
    if folder is None or not key:
        return None
    try:
        with (folder / f"{kind}-{key}.pickle").open("rb") as fh:
            return pickle.load(fh)  # our own cache, in the user's own folder
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
            ValueError):
        return None


def store(kind: str, key: str, value: object) -> None:
    """Write ``value`` under ``key``; a cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None or not key:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{kind}-{key}.pickle")
        _prune(folder)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[_KEEP:]:
        old.unlink(missing_ok=True)
