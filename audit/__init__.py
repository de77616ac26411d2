"""antipersona: audit marketing copy for who it attracts.

The public API is what ``__all__`` lists; everything else is internal and may move::

    from audit import check_text
    result = check_text("Request a demo to discuss SSO and procurement.", channel="ad")
    result.verdict.label, result.scores, result.evidence, result.tone

Names load on first use, so ``import audit`` stays cheap for a command that needs little.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .config import Config, load_config
    from .crawl.results import FetchSettings
    from .engine.engine import Engine
    from .errors import AntipersonaError, ConfigError, InputError, LexiconError, StoreError
    from .models import Evidence, Piece, PieceResult, Section, Verdict
    from .packs.lexicon import Persona, load_packs
    from .runs.audit import run_audit
    from .store.store import Store

#: Public name -> the module that defines it.
_EXPORTS = {
    "Config": "config", "load_config": "config",
    "Engine": "engine.engine",
    "load_packs": "packs.lexicon", "Persona": "packs.lexicon",
    "Piece": "models", "Section": "models", "PieceResult": "models", "Evidence": "models",
    "Verdict": "models",
    "run_audit": "runs.audit", "FetchSettings": "crawl.results",
    "Store": "store.store", "StoreError": "errors",
    "AntipersonaError": "errors", "InputError": "errors", "LexiconError": "errors",
    "ConfigError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'audit' has no attribute {name!r}")


_default_engine: Engine | None = None


def default_engine() -> Engine:
    """One loaded engine per process (fast to reuse, about a second to build)."""
    global _default_engine
    if _default_engine is None:
        from .config import load_config
        from .engine.engine import Engine

        _default_engine = Engine(load_config())
    return _default_engine


def check_text(text: str, channel: str = "draft") -> PieceResult:
    """Check one draft with the default packs and config; keeps the pipeline loaded."""
    return default_engine().check_text(text, channel=channel)


__all__ = [
    "AntipersonaError", "Config", "ConfigError", "Engine", "Evidence", "FetchSettings", "InputError",
    "LexiconError", "Persona", "Piece", "PieceResult", "Section", "Store", "StoreError", "Verdict",
    "__version__", "check_text", "default_engine", "load_config", "load_packs", "run_audit",
]
