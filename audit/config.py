"""Settings a team keeps with its content: packs, target persona, thresholds, section weights.

Read from ``antipersona.toml`` or ``[tool.antipersona]`` in ``pyproject.toml`` (the nearest one
from the working directory upwards), then overridden by command-line flags.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import ROLES

#: How much a cue counts by the role of the section it sits in (headline > body > chrome).
DEFAULT_SECTION_WEIGHTS: dict[str, float] = {
    "title": 1.6,
    "headline": 1.8,
    "subject": 1.8,
    "heading": 1.4,
    "hero": 1.5,
    "preheader": 1.3,
    "cta": 1.6,
    "og": 0.6,
    "meta": 0.9,
    "description": 1.1,
    "body": 1.0,
    "alt": 0.5,
    "nav": 0.2,
    "header": 0.2,
    "footer": 0.15,
    "aside": 0.3,
    "banner": 0.2,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a score counts as strong, and how verdicts are drawn from scores."""

    #: A persona's score at or above this is "strong" (leads a verdict).
    strong: float = 0.4
    #: Target and an anti-persona both at or above this, and close -> mixed.
    mixed: float = 0.4
    #: ... and the weaker at least this share of the stronger.
    mixed_ratio: float = 0.8
    #: A risk pack at or above this makes the verdict "risk" (unless an anti-persona is stronger)...
    risk: float = 0.4
    #: ... and at or above this it decides unless an anti-persona at ``strong`` leads it by
    #: scoring.RISK_LEAD. 0.75 until December; at 0.4 (every firing risk) three pieces of 1,548
    #: labelled ones changed, all to their labels (a countdown coupon in a cart-recovery
    #: playbook, a leaked merge tag on a clearance email, a {{city}} placeholder on an offer).
    risk_override: float = 0.4
    #: An anti-persona must beat the target by this much to win (ties go to the target).
    margin: float = 0.0
    #: A piece no cue decides takes the audience its wording leans to when the wording model
    #: gives it at least this probability (see audit.analyze.lean); 1 turns the lean off.
    lean: float = 0.5
    #: The cues and the wording weighed together (see audit.score.blend) change a verdict when
    #: they give another label a probability at least this much above the verdict's own; 1
    #: turns that off (as does ``lean`` 1).
    blend: float = 0.1


@dataclass(frozen=True, slots=True)
class ChannelRule:
    """URL substring -> channel (e.g. "/blog/" -> blog), tried in order."""

    contains: str
    channel: str


@dataclass(frozen=True, slots=True)
class Config:
    target: str = "susie-solopreneur"
    personas: tuple[Path, ...] = ()
    thresholds: Thresholds = Thresholds()
    section_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SECTION_WEIGHTS))
    channel_rules: tuple[ChannelRule, ...] = (
        ChannelRule("/blog", "blog"),
        ChannelRule("/news", "blog"),
        ChannelRule("/articles", "blog"),
        ChannelRule("/docs", "docs"),
        ChannelRule("/help", "docs"),
        ChannelRule("/pricing", "landing"),
    )
    channels: tuple[str, ...] = ("landing", "blog", "email", "ad", "social", "docs", "draft")
    #: Journey-stage rules tried before the shipped ones (audit/data/journey.yaml).
    stage_rules: tuple[Any, ...] = ()
    model: str = "auto"
    #: Inputs larger than this are refused with a clear message (bytes).
    max_file_bytes: int = 20_000_000
    source: str = ""

    def channel_named(self, name: str) -> str:
        """A channel as a list's ``channel`` column spells it, in the config's spelling when it
        is one of ``channels`` in another case ("Blog", "LANDING" from a spreadsheet), so one
        channel is not split in two in the report and the stage rules; else as written."""
        name = name.strip()
        folded = name.casefold()
        return next((c for c in self.channels if c.casefold() == folded), name)

    def misspelt_channel(self, name: str) -> str | None:
        """What to tell when a list's channel is not one of ``channels`` but close to one
        ("landng"): kept as written, since a new channel may be meant ("webinar"), but a typo
        would split one channel in two in the report."""
        name = name.strip()
        if self.channel_named(name) in self.channels:
            return None
        close = difflib.get_close_matches(name.casefold(), [c.casefold() for c in self.channels],
                                          n=1, cutoff=0.75)
        if not close:
            return None
        meant = next(c for c in self.channels if c.casefold() == close[0])
        return (f"channel '{name}' is not one of the configured channels; filed as written "
                f"(did you mean '{meant}'?)")

    def with_overrides(self, **kw: Any) -> Config:
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


def find_config(start: Path | None = None) -> Path | None:
    """The nearest antipersona.toml, or pyproject.toml with a [tool.antipersona] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "antipersona.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                text = _toml_text(py)
            except (UnicodeDecodeError, OSError):
                continue
            try:
                if "antipersona" in tomllib.loads(text).get("tool", {}):
                    return py
            except tomllib.TOMLDecodeError:
                # Broken TOML is not ours to judge unless it holds our table: then load_config
                # names the mistake instead of running with defaults in silence.
                if _OUR_TABLE.search(text):
                    return py
    return None


#: The header of our table in a pyproject.toml ("[tool.antipersona]" or a sub-table of it).
_OUR_TABLE = re.compile(r"(?m)^\s*\[\s*tool\s*\.\s*antipersona\s*[\].]")


def _toml_text(path: Path) -> str:
    """A TOML file's text; a UTF-8 byte-order mark (Windows editors write one) is not TOML."""
    return path.read_text(encoding="utf-8").removeprefix("\ufeff")


def load_config(path: Path | None = None) -> Config:
    """Read the config file (explicit path, else the nearest one); defaults when there is none."""
    path = path or find_config()
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(_toml_text(path))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path}: is a folder; name the config file (antipersona.toml or "
                          "pyproject.toml)") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
                          f"offset {exc.start}); save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from exc
    table = raw.get("tool", {}).get("antipersona", {}) if path.name == "pyproject.toml" else raw
    return config_from_mapping(table, path)


def config_from_mapping(table: dict[str, Any], path: Path) -> Config:
    """Build a Config from a parsed TOML table, naming the file and key on any mistake."""
    known = {"target", "personas", "thresholds", "section_weights", "channel_rules", "channels",
             "model", "max_file_bytes", "stage_rules"}
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown key '{key}' (known: {', '.join(sorted(known))})")
    base = Config()
    kw: dict[str, Any] = {"source": str(path)}
    if "target" in table:
        kw["target"] = _text(table["target"], path, "target")
    if "model" in table:
        kw["model"] = _text(table["model"], path, "model")
    if "personas" in table:
        items = table["personas"] if isinstance(table["personas"], list) else [table["personas"]]
        kw["personas"] = tuple((path.parent / _text(p, path, "personas")).resolve() for p in items)
    if "thresholds" in table:
        names = {f.name for f in fields(Thresholds)}
        th = table["thresholds"]
        if not isinstance(th, dict):
            raise ConfigError(f"{path}: [thresholds] must be a table")
        for key, value in th.items():
            if key not in names:
                raise ConfigError(f"{path}: unknown threshold '{key}' (known: {', '.join(sorted(names))})")
            _unit(value, path, f"thresholds.{key}")
        kw["thresholds"] = replace(base.thresholds, **th)
        if kw["thresholds"].risk_override < kw["thresholds"].risk:
            raise ConfigError(f"{path}: thresholds.risk_override ({kw['thresholds'].risk_override:g}) "
                              f"must not be below thresholds.risk ({kw['thresholds'].risk:g})")
    if "section_weights" in table:
        sw = table["section_weights"]
        if not isinstance(sw, dict):
            raise ConfigError(f"{path}: [section_weights] must be a table")
        weights = dict(base.section_weights)
        for key, value in sw.items():
            if key not in ROLES:  # a typo ("headlin") would otherwise change nothing, silently
                raise ConfigError(f"{path}: unknown section role '{key}' in [section_weights] "
                                  f"(known: {', '.join(ROLES)})")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 5:
                raise ConfigError(f"{path}: section_weights.{key} must be a number in [0, 5]")
            weights[key] = float(value)
        kw["section_weights"] = weights
    if "channel_rules" in table:
        rules = table["channel_rules"]
        if not isinstance(rules, list) or not all(
            isinstance(r, dict) and {"contains", "channel"} <= set(r) for r in rules
        ):
            raise ConfigError(f"{path}: channel_rules must be a list of {{contains, channel}} tables")
        kw["channel_rules"] = tuple(ChannelRule(str(r["contains"]), str(r["channel"])) for r in rules)
    if "channels" in table:
        chans = table["channels"]
        if (not isinstance(chans, list) or not chans
                or not all(isinstance(c, str) and c.strip() for c in chans)):
            raise ConfigError(f"{path}: channels must be a non-empty list of names (text), "
                              f"not {chans!r}")
        kw["channels"] = tuple(c.strip() for c in chans)
    if "stage_rules" in table:
        from .journey import rule_from_mapping

        rules = table["stage_rules"]
        if not isinstance(rules, list):
            raise ConfigError(f"{path}: stage_rules must be a list of {{stage, contains|channel|"
                              "text}} tables")
        kw["stage_rules"] = tuple(rule_from_mapping(r, f"{path}: stage_rules[{i}]")
                                  for i, r in enumerate(rules))
    if "max_file_bytes" in table:
        mfb = table["max_file_bytes"]
        if isinstance(mfb, bool) or not isinstance(mfb, int) or mfb <= 0:
            raise ConfigError(f"{path}: max_file_bytes must be a positive whole number")
        kw["max_file_bytes"] = mfb
    return replace(base, **kw)


def _text(value: Any, path: Path, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: '{key}' must be text")
    return value.strip()


def _unit(value: Any, path: Path, key: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{path}: {key} must be a number in [0, 1]")


def channel_for_url(url: str, rules: tuple[ChannelRule, ...], default: str = "landing") -> str:
    """Channel from the config's URL rules, else the default (DESIGN: explicit > kind > rules)."""
    lowered = url.lower()
    for rule in rules:
        if rule.contains.lower() in lowered:
            return rule.channel
    return default
