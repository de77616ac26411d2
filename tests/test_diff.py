"""Comparing two runs: changed, added and gone pieces, channel shares, threshold, rendering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from audit import Config, Engine, Store
from audit.report.build import build_report, run_header
from audit.report.diff import diff_reports, render_diff_table

TARGET = "susie-solopreneur"
PERSONAS = [
    {"id": TARGET, "name": "Susie the Solopreneur", "kind": "persona", "color": "#0f766e"},
    {"id": "beth-bureaucrat", "name": "Beth the Bureaucrat", "kind": "anti-persona",
     "color": "#c2410c"},
    {"id": "over-personalization", "name": "Over-personalization", "kind": "risk",
     "color": "#be185d"},
]


def piece(source: str, channel: str, label: str, persona: str | None, susie: float,
          beth: float, risk: float = 0.0) -> dict[str, Any]:
    return {"id": source, "source": source, "channel": channel, "title": source.upper(),
            "words": 100, "scores": {TARGET: susie, "beth-bureaucrat": beth,
                                     "over-personalization": risk},
            "verdict": {"label": label, "persona": persona}, "evidence": [], "tone": {}}


def report(run_id: str, pieces: list[dict[str, Any]]) -> dict[str, Any]:
    head = run_header(run_id=run_id, created="2026-11-01T00:00:00+00:00", profile="fast",
                      target=TARGET, personas=PERSONAS, name=f"run {run_id}")
    return build_report(head, pieces)


@pytest.fixture
def old_new() -> tuple[dict[str, Any], dict[str, Any]]:
    old = report("old", [
        piece("home", "landing", "on-target", None, 0.9, 0.1),
        piece("pricing", "landing", "on-target", None, 0.8, 0.3),
        piece("enterprise", "landing", "wrong-audience", "beth-bureaucrat", 0.1, 0.9),
        piece("steady", "blog", "neutral", None, 0.2, 0.2),
        piece("nudge", "blog", "neutral", None, 0.2, 0.25),
        piece("welcome", "email", "on-target", None, 0.7, 0.0),
        piece("retired", "ad", "wrong-audience", "beth-bureaucrat", 0.0, 0.8),
    ])
    new = report("new", [
        piece("home", "landing", "on-target", None, 0.9, 0.1),                       # same
        piece("pricing", "landing", "wrong-audience", "beth-bureaucrat", 0.3, 0.8),  # worse
        piece("enterprise", "landing", "on-target", None, 0.7, 0.2),                 # better
        piece("steady", "blog", "neutral", None, 0.2, 0.2),
        piece("nudge", "blog", "neutral", None, 0.2, 0.3),   # moved 0.05 < threshold
        piece("welcome", "email", "risk", "over-personalization", 0.7, 0.0, 0.6),    # risk
        piece("launch", "ad", "wrong-audience", "beth-bureaucrat", 0.1, 0.7),        # added
    ])
    return old, new


def test_changed_added_gone(old_new: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = old_new
    diff = diff_reports(old, new)
    assert diff["old"]["id"] == "old" and diff["new"]["id"] == "new"
    changed = {c["source"]: c for c in diff["changed"]}
    assert set(changed) == {"pricing", "enterprise", "welcome"}
    pricing = changed["pricing"]
    assert pricing["verdict_changed"] and pricing["direction"] == "worse"
    assert pricing["old_verdict"] == {"label": "on-target", "persona": None}
    assert pricing["new_verdict"] == {"label": "wrong-audience", "persona": "beth-bureaucrat"}
    assert set(pricing["moved"]) == {TARGET, "beth-bureaucrat"}
    assert pricing["scores"]["beth-bureaucrat"] == {"old": 0.3, "new": 0.8, "delta": 0.5}
    assert changed["enterprise"]["direction"] == "better"
    assert changed["welcome"]["direction"] == "worse"
    assert changed["welcome"]["new_worst"] == 0.6
    # worse ones first
    assert diff["changed"][-1]["source"] == "enterprise"
    assert [a["source"] for a in diff["added"]] == ["launch"]
    assert diff["added"][0]["verdict"] == "wrong-audience" and diff["added"][0]["worst"] == 0.7
    assert [g["source"] for g in diff["gone"]] == ["retired"]
    s = diff["summary"]
    assert (s["matched"], s["changed"], s["verdict_changed"], s["worse"], s["better"],
            s["added"], s["gone"]) == (6, 3, 3, 2, 1, 1, 1)
    assert s["old_wrong_audience_share"] == pytest.approx(2 / 7, abs=1e-4)
    assert s["new_wrong_audience_share"] == pytest.approx(2 / 7, abs=1e-4)
    json.dumps(diff)  # plain JSON, ready to go under "diff" in a report


def test_threshold_is_configurable(old_new: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = old_new
    assert "nudge" not in {c["source"] for c in diff_reports(old, new)["changed"]}
    loose = diff_reports(old, new, threshold=0.05)
    assert "nudge" in {c["source"] for c in loose["changed"]}
    assert loose["threshold"] == 0.05
    strict = diff_reports(old, new, threshold=0.75)
    # verdict changes are always reported, whatever the threshold
    assert {c["source"] for c in strict["changed"]} == {"pricing", "enterprise", "welcome"}
    assert all(c["moved"] == [] for c in strict["changed"])


def test_channel_shares(old_new: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = old_new
    channels = {c["channel"]: c for c in diff_reports(old, new)["channels"]}
    assert set(channels) == {"landing", "blog", "email", "ad"}
    landing = channels["landing"]
    assert (landing["old_pieces"], landing["new_pieces"]) == (3, 3)
    assert (landing["old_wrong_audience"], landing["new_wrong_audience"]) == (1, 1)
    assert landing["delta"] == 0
    assert channels["ad"]["old_share"] == 1.0 and channels["ad"]["new_share"] == 1.0
    assert channels["email"]["delta"] == 0  # risk is not wrong-audience
    only_old = diff_reports(old, report("x", [piece("home", "landing", "on-target", None,
                                                    0.9, 0.1)]))
    ad = {c["channel"]: c for c in only_old["channels"]}["ad"]
    assert ad["new_share"] is None and ad["delta"] is None and ad["new_pieces"] == 0


def test_same_report_has_no_changes(old_new: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, new = old_new
    diff = diff_reports(new, new)
    assert diff["changed"] == [] and diff["added"] == [] and diff["gone"] == []
    assert all(c["delta"] == 0 for c in diff["channels"])


def test_render_diff_table(old_new: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = old_new
    new["pieces"][1]["title"] = "[bold red]PRICING[/bold red] <b>"
    console = Console(record=True, width=160, color_system=None)
    render_diff_table(diff_reports(old, new), console)
    out = console.export_text()
    assert "Compared with run old" in out
    assert "2 worse" in out and "1 better" in out
    assert "[bold red]PRICING[/bold red] <b>" in out  # markup in page text printed as text
    assert "on-target → wrong-audience (beth-bureaucrat)" in out
    assert "Added (1)" in out and "launch" in out and "Gone (1)" in out and "retired" in out
    assert "Wrong-audience share by channel" in out


def test_diff_of_two_stored_runs(tmp_path: Path) -> None:
    """The real path: two audits of a site stored, the copy edited in between."""
    engine = Engine(Config(), model="fast")
    before = {
        "https://a.example/": "# Invoicing for freelancers\n\nStart free. Set it up yourself "
                              "in minutes.",
        "https://a.example/pricing": "# Simple pricing\n\nOne flat monthly price, cancel "
                                     "anytime. Start free.",
        "https://a.example/old": "# Old page\n\nRequest a demo for procurement.",
    }
    after = {
        "https://a.example/": before["https://a.example/"],
        "https://a.example/pricing": "# Enterprise pricing\n\nRequest a demo. Procurement, "
                                     "security review and sign-off from your legal team.",
        "https://a.example/new": "# New page\n\nStart free today.",
    }
    with Store(tmp_path / "runs.db") as store:
        ids = []
        for name, drafts in (("before", before), ("after", after)):
            run_id = store.create_run(name=name, sources=list(drafts), config={},
                                      personas=[p.to_dict() for p in engine.personas],
                                      profile=engine.profile, model=engine.pipeline.model,
                                      target=TARGET)
            pieces = [engine.piece_from_text(t, source=s, channel="landing")
                      for s, t in drafts.items()]
            for r in engine.check_pieces(pieces, n_process=1):
                store.add_result(run_id, r.to_dict())
            store.finish_run(run_id)
            ids.append(run_id)
        diff = diff_reports(store.report(ids[0]), store.report(ids[1]))
    changed = {c["source"]: c for c in diff["changed"]}
    assert "https://a.example/" not in changed
    pricing = changed["https://a.example/pricing"]
    assert pricing["direction"] == "worse"
    assert pricing["new_verdict"]["label"] != "on-target"
    assert [a["source"] for a in diff["added"]] == ["https://a.example/new"]
    assert [g["source"] for g in diff["gone"]] == ["https://a.example/old"]
