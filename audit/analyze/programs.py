"""Compiled regular expressions kept between runs.

Building the cue matcher compiles about 460 regexes (the packs' own, the token patterns turned
into regexes, the anchors' word lists). Python's ``re`` parses and assembles each one in Python,
which was about half of building the matcher, and the matcher is built at every start, in the
process that analyses, before any text is read. What ``re`` hands its C engine at the end is
plain data (the pattern's program and its group names): :func:`kept` stores it with the packs'
other cached work (see :mod:`audit.packs.packcache`), and the next start gives it straight to
``_sre.compile``, a hundred times faster. The result is the same ``re.Pattern``. A program
belongs to the Python that made it (the cache key holds its version); anything unexpected
falls back to ``re.compile``.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

try:  # CPython's engine and the compiler stages behind re.compile (3.11+ layout)
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: plain re.compile
    _sre = None  # type: ignore[assignment]

T = TypeVar("T")

#: (pattern, flags) -> the arguments ``_sre.compile`` takes after the pattern; and
#: ("fact", name, key) -> a derived fact (see :func:`fact`). Process-wide: it only grows.
_known: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the stored program when there is one."""
    flags = int(flags)
    key = (pattern, flags)
    args = _known.get(key)
    if args is not None:
        try:
            return _sre.compile(pattern, *args)  # type: ignore[no-any-return]
        except Exception:  # a stale or foreign program: compile afresh
            _known.pop(key, None)
    args = _program(pattern, flags)
    if args is None:
        return re.compile(pattern, flags)
    _known[key] = args
    return _sre.compile(pattern, *args)  # type: ignore[no-any-return]


def _program(pattern: str, flags: int) -> tuple[Any, ...] | None:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` (None if this Python differs)."""
    if _sre is None or flags & re.DEBUG:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: picklable
        state = parsed.state
        index = [None] * state.groups
        for name, i in state.groupdict.items():
            index[i] = name
        args = (flags | state.flags, code, state.groups - 1, dict(state.groupdict), tuple(index))
        _sre.compile(pattern, *args)
    except re.error:
        raise
    except Exception:  # the private stages changed shape: use the public call
        return None
    return args


def fact(name: str, key: Any, build: Callable[[], T]) -> T:
    """``build()``, kept beside the programs: what is read off a parsed regex (its anchors),
    which costs a parse of its own."""
    slot = ("fact", name, key)
    if slot in _known:
        return _known[slot]  # type: ignore[no-any-return]
    value = build()
    _known[slot] = value
    return value


@contextlib.contextmanager
def kept(parts: Iterable[str]) -> Iterator[None]:
    """Programs and facts of the regexes built inside, read from the cache entry for ``parts``
    (a description of everything they are built from) and written back when some were new."""
    from ..packs.packcache import key_of, load, store

    key = key_of("regex", parts)
    stored = load("regex", key)
    with _lock:
        if isinstance(stored, dict):
            for k, v in stored.items():
                _known.setdefault(k, v)
        before = set(_known)
    yield
    with _lock:
        if not isinstance(stored, dict) or set(_known) - before:
            store("regex", key, dict(_known))
