"""Cues and wording weighed together: the last word on a verdict the rules drew.

The verdict rules let cues decide and call on the wording lean (audit.analyze.lean) only where
no cue or about one cue speaks. On copy from sites no pack was written against, neither
reader alone is right often enough: a docs page full of SSO terms, a billing answer with two
price cues, a vendor page describing tracking in words no pack lists. A second small logistic
regression over both readings (each persona's cue score and each label's wording probability)
weighs them against each other as labellers did (``audit/data/blend.json``, fitted by
``eval/fit_blend.py`` on copy the shipped wording lean had not read, so it learnt how far to
trust the lean on new copy; its grouped cross-validation figures are recorded there).

It changes a verdict only where it gives another label a probability at least
``thresholds.blend`` above the verdict's own and at least :data:`MIN_SWITCH`, on the pieces
the lean may judge (16 to 1,500 words it mostly knows, not a policy, release-notes or
explainer page), and only with the persona ids it was fitted for (a team's own packs with
other ids keep the rules' verdicts)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BLEND_FILE = Path(__file__).resolve().parent.parent / "data" / "blend.json"
#: The least probability the label a weighing switches to must have: a shop's opening hours
#: with "free entry" named the bargain hunter at 0.35. Chosen by grouped cross-validation on
#: the 1,062 excerpts the December blend was fitted on: from 0 up to this the engine read the
#: same (macro-F1 0.733-0.734), at 0.38 0.731, at 0.4 0.724.
MIN_SWITCH = 0.36


@dataclass(frozen=True, slots=True)
class BlendModel:
    """Weights from each persona's cue score and each label's wording probability to each
    label (persona ids and ``neutral``)."""

    labels: tuple[str, ...]
    #: Persona ids whose cue scores are read, in the order of their rows of ``weights``.
    cue_ids: tuple[str, ...]
    #: Labels whose wording probabilities are read, after the cue rows.
    lean_ids: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    about: Mapping[str, object]

    def __post_init__(self) -> None:
        rows = len(self.cue_ids) + len(self.lean_ids)
        if len(self.weights) != rows or any(len(r) != len(self.labels) for r in self.weights) \
                or len(self.bias) != len(self.labels):
            raise ValueError("a blend model needs a weight per label for every cue score and "
                             "wording probability, and a bias per label")

    @classmethod
    def read(cls, path: Path = BLEND_FILE) -> BlendModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["labels"]), tuple(data["cue_ids"]), tuple(data["lean_ids"]),
                   tuple(tuple(map(float, row)) for row in data["weights"]),
                   tuple(map(float, data["bias"])), data.get("about") or {})

    def to_json(self) -> str:
        return json.dumps({"about": dict(self.about), "labels": list(self.labels),
                           "cue_ids": list(self.cue_ids), "lean_ids": list(self.lean_ids),
                           "weights": [list(r) for r in self.weights], "bias": list(self.bias)},
                          indent=1, ensure_ascii=False) + "\n"

    def features(self, cues: Mapping[str, float], lean: Mapping[str, float]) -> list[float]:
        return [cues.get(p, 0.0) for p in self.cue_ids] + [lean.get(x, 0.0) for x in self.lean_ids]

    def probabilities(self, cues: Mapping[str, float], lean: Mapping[str, float]
                      ) -> dict[str, float]:
        """Each label's probability given a piece's cue scores and wording probabilities."""
        x = self.features(cues, lean)
        z = [b + sum(xi * row[j] for xi, row in zip(x, self.weights, strict=True))
             for j, b in enumerate(self.bias)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {label: e / total for label, e in zip(self.labels, exp, strict=True)}


@lru_cache(maxsize=1)
def shipped_blend() -> BlendModel:
    return BlendModel.read()
