"""The customer journey: which stage (awareness, consideration, decision, retention) each
piece serves, from its channel, address and title, by rules kept as data
(``audit/data/journey.yaml``) that the config's ``[[stage_rules]]`` come before.

Computed when a report is built, from what every stored run has (channel, source, title), so
runs stored before stages existed report them too, and a rule change shows in every report.
The ``stages`` summary is the channel summary grouped by stage instead of channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConfigError

DATA_FILE = Path(__file__).resolve().parent / "data" / "journey.yaml"
STAGES = ("awareness", "consideration", "decision", "retention")
_RULE_KEYS = {"stage", "channel", "url", "path", "text", "contains"}


@dataclass(frozen=True, slots=True)
class StageRule:
    """A stage when every condition given matches (an empty condition always matches)."""

    stage: str
    channel: tuple[str, ...] = ()
    url: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    text: tuple[str, ...] = ()

    def matches(self, channel: str, path: str, title: str) -> bool:
        if self.channel and channel not in self.channel:
            return False
        if self.url and _any_pattern(self.url).search(path) is None:
            return False
        if self.path and path not in self.path:
            return False
        return not self.text or _text_pattern(self.text).search(title) is not None

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in
                (("stage", self.stage), ("channel", self.channel), ("url", self.url),
                 ("path", self.path), ("text", self.text)) if v}


@lru_cache(maxsize=64)
def _any_pattern(parts: tuple[str, ...]) -> re.Pattern[str]:
    """Any of these substrings, as one search in C."""
    return re.compile("|".join(re.escape(p) for p in parts))


@lru_cache(maxsize=64)
def _text_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole words: a boundary is asked for only where the term starts or ends with one
    ("% off" matches "30% off")."""
    parts = [(r"(?<!\w)" if w[:1].isalnum() else "") + re.escape(w.lower()) +
             (r"(?!\w)" if w[-1:].isalnum() else "") for w in words if w]
    return re.compile("|".join(parts) or r"(?!)")


def rule_from_mapping(raw: Mapping[str, Any], where: str) -> StageRule:
    """One rule from YAML or TOML; ConfigError naming ``where`` on a mistake. ``contains``
    is the config's spelling of ``url`` (as in ``channel_rules``)."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: a stage rule must be a table")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} in a stage rule "
                          f"(known: {', '.join(sorted(_RULE_KEYS))})")
    stage = raw.get("stage")
    if stage not in STAGES:
        raise ConfigError(f"{where}: stage must be one of {', '.join(STAGES)}, not {stage!r}")

    def items(key: str) -> tuple[str, ...]:
        value = raw.get(key) or ()
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{key}' must be text or a list of text")
        return tuple(v.lower() for v in value)

    rule = StageRule(stage=str(stage), channel=items("channel"),
                     url=items("url") + items("contains"), path=items("path"), text=items("text"))
    if not (rule.channel or rule.url or rule.path or rule.text):
        raise ConfigError(f"{where}: a stage rule needs channel, url/contains, path or text")
    return rule


@lru_cache(maxsize=1)
def default_rules() -> tuple[tuple[StageRule, ...], str]:
    """The shipped rules and default stage (``audit/data/journey.yaml``)."""
    import yaml

    with DATA_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    rules = tuple(rule_from_mapping(r, f"{DATA_FILE}: rule {i + 1}")
                  for i, r in enumerate(data.get("rules") or []))
    default = data.get("default", "consideration")
    if default not in STAGES:
        raise ConfigError(f"{DATA_FILE}: default must be one of {', '.join(STAGES)}")
    return rules, default


def rules_from_config(raw: Iterable[Mapping[str, Any]] | None) -> tuple[StageRule, ...]:
    """Rules stored with a run (``stage_rules`` in its config), tolerant of old runs."""
    return tuple(rule_from_mapping(r, "stage_rules") for r in (raw or ()))


def _path_of(source: str) -> str:
    """The lower-cased path of a web address, or of a local file read as a page would be
    ("site/pricing.html" -> "/site/pricing.html"; an index file is a home page, "/"), without
    urlsplit's cost: a report of 10,000 pieces asks this 10,000 times. "" for stdin."""
    low = source[:8].lower()
    if not (low.startswith("http://") or low.startswith("https://")):
        if not source or source.startswith("<"):
            return ""
        # the file and its folder only: the folders above (a home folder, a temp dir) say nothing
        parts = [p for p in source.replace("\\", "/").lower().split("/") if p not in ("", ".")]
        if parts and parts[-1] in ("index.html", "index.htm", "index.md", "index.mdx"):
            return "/"
        return "/" + "/".join(parts[-2:])
    start = source.find("/", source.find("//") + 2)
    if start < 0:
        return "/"
    end = len(source)
    for mark in "?#":
        at = source.find(mark, start)
        if 0 <= at < end:
            end = at
    return source[start:end].lower() or "/"


def stage_of(piece: Mapping[str, Any], extra: Sequence[StageRule] = ()) -> str:
    """A piece's journey stage: the first matching rule (``extra`` first), else the default."""
    rules, default = default_rules()
    if extra:
        rules = (*extra, *rules)
    channel = str(piece.get("channel") or "landing")
    path = _path_of(str(piece.get("source") or ""))
    title = str(piece.get("title") or "").lower()
    for rule in rules:
        if rule.matches(channel, path, title):
            return rule.stage
    return default


def add_stages(pieces: Iterable[dict[str, Any]], extra: Sequence[StageRule] = ()) -> None:
    """Give every piece its ``stage`` (in place)."""
    for piece in pieces:
        piece["stage"] = stage_of(piece, extra)


def stage_summary(pieces: Sequence[Mapping[str, Any]], target: str) -> list[dict[str, Any]]:
    """Like the report's ``channels``, one entry per stage present, in journey order."""
    from .report.build import channel_summary

    regrouped = [{**p, "channel": p.get("stage") or "consideration"} for p in pieces]
    rows = channel_summary(regrouped, target)
    out = [{"stage": r.pop("channel"), **r} for r in rows]
    return sorted(out, key=lambda r: STAGES.index(r["stage"]) if r["stage"] in STAGES else 9)
