"""Where packs live: the shipped ones, read-only, and the user's edited copies.

The four default packs ship inside the package (``audit/lexicons/`` in an installed wheel,
mapped from the repository's ``lexicons/`` folder; a checkout reads that folder directly). They
are never written to: the app's pack editor saves an edited pack to the user's packs folder,
``$ANTIPERSONA_PACKS_DIR``, else ``$XDG_DATA_HOME/antipersona/packs``, else
``~/.local/share/antipersona/packs``, and a file there replaces the shipped pack of the same
name wherever the shipped packs are loaded. Packs named in the config (your own folder) are
edited where they are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _shipped_dir() -> Path:
    installed = _PACKAGE / "lexicons"  # the wheel's copy (pyproject: package-dir)
    return installed if installed.is_dir() else _PACKAGE.parent / "lexicons"


#: The shipped packs (read-only).
SHIPPED_PACKS = _shipped_dir()


def user_packs_dir() -> Path:
    """Where the pack editor saves edited copies of the shipped packs."""
    configured = os.environ.get("ANTIPERSONA_PACKS_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "antipersona" / "packs"


def is_shipped(path: str | Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(SHIPPED_PACKS.resolve())
    except OSError:
        return False


#: What a user writes in ``--personas`` or the config for the shipped packs, beside their own
#: (after ``pip install`` there is no ``lexicons/`` folder to name).
SHIPPED_NAME = "shipped"


def expand_shipped(paths: Iterable[Path]) -> list[Path]:
    """``paths`` with ``shipped`` (as given, or resolved against a config file's folder) read
    as the shipped packs' folder, unless a file or folder of that name exists."""
    return [SHIPPED_PACKS if Path(p).name == SHIPPED_NAME and not Path(p).exists() else Path(p)
            for p in paths]


def with_user_edits(paths: Iterable[Path]) -> list[Path]:
    """``paths`` with each shipped pack replaced by the user's edited copy when there is one
    (the shipped folder stands for its files, in the order a folder is read)."""
    edits = user_packs_dir()
    out: list[Path] = []
    for path in expand_shipped(paths):
        if not is_shipped(path):
            out.append(path)
            continue
        files = (sorted(q for q in path.iterdir() if q.suffix in (".yaml", ".yml")
                        and not q.name.startswith((".", "_"))) if path.is_dir() else [path])
        for file in files:
            edited = edits / file.name
            out.append(edited if edited.is_file() else file)
    return out


def save_path(path: str | Path) -> Path:
    """Where the editor saves the pack loaded from ``path``: a shipped pack goes to the user's
    packs folder, any other pack is saved in place."""
    return user_packs_dir() / Path(path).name if is_shipped(path) else Path(path)
