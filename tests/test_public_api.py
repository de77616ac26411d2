"""The public API: what ``audit.__all__`` promises users may import, held here on purpose (a
name leaves or joins it only with this test); it all imports, and the package ships py.typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import audit

PUBLIC = {
    "__version__", "check_text", "default_engine",
    "Engine", "Config", "load_config", "load_packs", "Persona",
    "Piece", "Section", "PieceResult", "Evidence", "Verdict",
    "run_audit", "FetchSettings", "Store", "StoreError",
    "AntipersonaError", "InputError", "LexiconError", "ConfigError",
}


def test_all_is_the_declared_public_api() -> None:
    assert set(audit.__all__) == PUBLIC
    assert len(audit.__all__) == len(PUBLIC)
    for name in audit.__all__:
        assert getattr(audit, name) is not None
    assert issubclass(audit.InputError, audit.AntipersonaError)
    assert issubclass(audit.StoreError, audit.AntipersonaError)


def test_the_package_is_typed() -> None:
    assert (Path(audit.__file__).parent / "py.typed").is_file()


def test_importing_the_package_loads_no_stage() -> None:
    code = ("import sys, audit; print(sorted(m for m in sys.modules "
            "if m.startswith('audit.') or m in ('spacy', 'httpx', 'streamlit')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
