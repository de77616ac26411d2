"""What the cue tests read of a check: the groups that fire and the verdict, shared by the test
files written from shadow sets of real copy."""

from __future__ import annotations

from audit import Engine


def fired_groups(engine: Engine, text: str, channel: str = "landing") -> set[str]:
    """The cue groups that fire, not negated, with some weight."""
    result = engine.check_text(text, channel=channel)
    return {e.group for e in result.evidence if not e.negated and e.weight > 0}


def verdict_label(engine: Engine, text: str, channel: str = "landing") -> str:
    return engine.check_text(text, channel=channel).verdict.label


def verdict_of(engine: Engine, text: str, channel: str = "landing") -> tuple[str, str | None]:
    v = engine.check_text(text, channel=channel).verdict
    return v.label, v.persona


def full_weight_groups(engine: Engine, text: str, *, negated: bool = False) -> set[str]:
    """The cue groups found at full weight (not lowered by context), negated or not as asked."""
    result = engine.check_text(text, channel="landing")
    return {e.group for e in result.evidence
            if e.kind == "cue" and e.negated == negated and not e.context}


def all_groups(engine: Engine, text: str) -> set[str]:
    """Every cue group found, lowered or not."""
    result = engine.check_text(text, channel="landing")
    return {e.group for e in result.evidence if e.kind == "cue"}
