"""antipersona: audit marketing copy for who it attracts.

The small public API::

    from audit import check_text
    result = check_text("Request a demo to discuss SSO and procurement.", channel="ad")
    result.verdict.label, result.scores, result.evidence, result.tone
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .engine.engine import Engine
    from .models import PieceResult

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


__all__ = ["__version__", "check_text", "default_engine"]
