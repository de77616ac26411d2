"""Import spaCy without its command-line package.

``import spacy`` runs ``from .cli.info import info``, which loads spaCy's whole CLI (typer,
weasel, requests, jinja2, pydantic models for project files...): over 350 modules and about a
quarter of a second on the path of every check that starts spaCy, for a command we never run.
spaCy's maintainers load it lazily in newer code (explosion/spaCy#12962, #13933); until a
release does, :func:`import_spacy` holds ``spacy.cli`` back while spaCy imports. ``spacy.info``
then loads the real one on its first call, and ``import spacy.cli`` still works as usual.

Only a speed-up: any module may ``import spacy`` directly, which loads the CLI as before.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

_HELD = ("spacy.cli", "spacy.cli.info")


def import_spacy() -> ModuleType:
    """spaCy, imported without ``spacy.cli`` unless something imported spaCy already."""
    loaded = sys.modules.get("spacy")
    if loaded is not None:
        return loaded
    stand_ins = {name: ModuleType(name) for name in _HELD}
    stand_ins["spacy.cli.info"].info = _info  # type: ignore[attr-defined]
    stand_ins["spacy.cli"].info = stand_ins["spacy.cli.info"]  # type: ignore[attr-defined]
    for name, module in stand_ins.items():
        sys.modules.setdefault(name, module)
    try:
        import spacy
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is stand_ins["spacy.cli"]:
        del spacy.cli  # a later `import spacy.cli` loads the real package
    return spacy


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: loads spaCy's CLI on first use and passes the call on."""
    from spacy.cli.info import info

    return info(*args, **kwargs)
