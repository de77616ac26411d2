"""Shared checks for documentation-context tests: a sentence read as informational, and a pitch
in the same words that keeps its weight."""

from __future__ import annotations

from audit import Engine


def assert_quiet(engine: Engine, text: str) -> None:
    """Neutral, because an informational pattern read the sentence a cue sits in."""
    result = engine.check_text(text, channel="landing")
    assert result.verdict.label == "neutral", result.verdict
    assert any(e.context == "informational" for e in result.evidence if e.kind == "cue")


def assert_pitch(engine: Engine, text: str, label: str, persona: str | None) -> None:
    """The verdict a pitch gets, with no cue lowered as informational."""
    result = engine.check_text(text, channel="landing")
    assert (result.verdict.label, result.verdict.persona) == (label, persona)
    assert not any(e.context == "informational" for e in result.evidence if e.kind == "cue")
