"""What every page shares: the engine (loaded once), the runs database, the palette, headers."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from ...config import Config, load_config
from ...store.store import DEFAULT_DB, Store, StoreError, db_path
from ..exposure import AppPolicy, app_policy
from ..highlight import Swatch, legend_html, md_escape, palette

if TYPE_CHECKING:  # spaCy loads only when a page needs the engine, not for the Report page
    from ...engine.engine import Engine


def db_file() -> Path:
    """The runs database: $ANTIPERSONA_DB, else ./antipersona.db (as the CLI does)."""
    return db_path()


def db_option() -> str:
    """" --db PATH" for a command the app suggests when its store is not the command line's
    default (the app may have been started with --db), so that the command works as pasted."""
    db = db_file()
    if db.resolve() == Path(DEFAULT_DB).resolve():
        return ""
    return f" --db {shlex.quote(str(db))}"


@st.cache_resource(show_spinner="Loading the language pipeline…")
def _engine() -> Engine:
    from ...engine.engine import Engine

    return Engine(app_config()).load()


def app_config() -> Config:
    """The nearest antipersona.toml / pyproject.toml from where the app was started."""
    return load_config()


def policy() -> AppPolicy:
    """What this server allows, from the address it listens on (see :mod:`audit.ui.exposure`)."""
    return app_policy(st.get_option("server.address"))


def engine() -> Engine:
    """The one Engine for this server (spaCy pipeline and packs are loaded once)."""
    return _engine()


def reset_engine() -> None:
    """After a pack is saved, the next check loads the packs again."""
    _engine.clear()


def engine_palette() -> dict[str, Swatch]:
    return palette(engine().personas)


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path, readonly=True)


def open_store() -> Store | None:
    """The runs database, read-only and shared by every session (the Store serialises its own
    calls), or None when there is no database yet or it cannot be read."""
    path = db_file()
    if not path.is_file():
        return None
    try:
        return _store(str(path.resolve()))
    except StoreError as exc:
        st.error(md_escape(f"Cannot open the runs database: {exc}"))
        return None


def list_runs(store: Store) -> list[dict[str, Any]]:
    """Runs, newest first."""
    return store.runs()


def has_runs() -> bool:
    """Does the database hold at least one run? (Decides the landing page.)"""
    path = db_file()
    if not path.is_file():
        return False
    try:
        return bool(_store(str(path.resolve())).runs())
    except StoreError:  # a broken or foreign file: land on the draft checker instead
        return False


def page_header(title: str, purpose: str) -> None:
    """Every page opens with its title and one sentence on what it is for."""
    st.title(title)
    st.caption(purpose)


def show_legend(swatches: dict[str, Swatch], used: set[str] | None = None) -> None:
    html = legend_html(swatches, used)
    if html:
        st.html(html)


def run_label(run: dict[str, Any]) -> str:
    """"Spring site audit · 2026-03-02 14:10 · 412 pieces" for run pickers."""
    name = str(run.get("name") or run.get("id") or "run")
    created = str(run.get("created") or "")[:16].replace("T", " ")
    pieces = run.get("pieces")
    parts = [name, created]
    if run.get("empty"):
        parts.append("empty: nothing could be read")
    elif isinstance(pieces, int):
        parts.append(f"{pieces:,} pieces")
    status = str(run.get("status") or "")
    if status and status != "done":
        parts.append(status)
    return " · ".join(p for p in parts if p)
