"""Journey stages: the shipped rules (data), config rules that come first and are stored with
the run, the report's ``stages`` summary, `check -f json`, the HTML report's stage view, and the
demo run with its outcomes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audit.config import load_config
from audit.errors import ConfigError
from audit.journey import rule_from_mapping, stage_of, stage_summary
from audit.report.build import build_report
from audit.report.html import render_html


@pytest.mark.parametrize(("source", "channel", "title", "stage"), [
    ("https://t.example/", "landing", "Tallybird", "awareness"),
    ("https://t.example/blog/get-paid-on-time/", "blog", "Get paid on time", "awareness"),
    ("https://t.example/blog/tallybird-vs-spreadsheets/", "blog", "Tallybird vs spreadsheets",
     "consideration"),
    ("https://t.example/features/invoicing/", "landing", "Invoicing", "consideration"),
    ("https://t.example/pricing/", "landing", "Pricing", "decision"),
    ("https://t.example/signup", "landing", "Start", "decision"),
    ("https://t.example/help/export-csv/", "docs", "Export CSV", "retention"),
    ("mail/01-welcome.eml", "email", "Welcome to Tallybird", "retention"),
    ("mail/03-sale.eml", "email", "Spring stack sale: 30% off", "decision"),
    ("mail/05-webinar.eml", "email", "Join our governance webinar", "consideration"),
    ("ads.csv#1", "ad", "Invoice app for freelancers", "awareness"),
    ("ads.csv#2", "ad", "Coupon codes inside", "decision"),
    ("https://t.example/some/page", "landing", "Something", "consideration"),
])
def test_shipped_rules(source: str, channel: str, title: str, stage: str) -> None:
    assert stage_of({"source": source, "channel": channel, "title": title}) == stage


def test_config_rules_come_first_and_are_checked(tmp_path: Path) -> None:
    cfg = tmp_path / "antipersona.toml"
    cfg.write_text('[[stage_rules]]\ncontains = "/blog/launch"\nstage = "decision"\n'
                   '[[stage_rules]]\nchannel = "ad"\ntext = ["retarget"]\nstage = "retention"\n',
                   encoding="utf-8")
    rules = load_config(cfg).stage_rules
    assert stage_of({"source": "https://t.example/blog/launch-week", "channel": "blog"},
                    rules) == "decision"
    assert stage_of({"source": "a.csv#1", "channel": "ad", "title": "Retarget: come back"},
                    rules) == "retention"
    cfg.write_text('[[stage_rules]]\ncontains = "/x"\nstage = "purchase"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="stage must be one of"):
        load_config(cfg)
    with pytest.raises(ConfigError, match="needs channel"):
        rule_from_mapping({"stage": "decision"}, "here")


def _piece(source: str, channel: str, label: str, persona: str | None, beth: float) -> dict:
    return {"id": source, "source": source, "channel": channel, "title": "", "words": 10,
            "scores": {"susie-solopreneur": 0.5, "beth-bureaucrat": beth},
            "verdict": {"label": label, "persona": persona}, "evidence": [], "tone": {}}


RUN = {"id": "r", "target": "susie-solopreneur",
       "personas": [{"id": "susie-solopreneur", "name": "Susie the Solopreneur", "kind": "persona",
                     "color": "#0f766e"},
                    {"id": "beth-bureaucrat", "name": "Beth the Bureaucrat",
                     "kind": "anti-persona", "color": "#c2410c"}]}


def test_report_stages_summarise_like_channels() -> None:
    pieces = [_piece("https://t.example/pricing", "landing", "wrong-audience", "beth-bureaucrat", .9),
              _piece("https://t.example/pricing/team", "landing", "on-target", None, 0.1),
              _piece("https://t.example/blog/a", "blog", "on-target", None, 0.0)]
    report = build_report(dict(RUN), pieces)
    assert [p["stage"] for p in report["pieces"]] == ["decision", "decision", "awareness"]
    assert [s["stage"] for s in report["stages"]] == ["awareness", "decision"]
    decision = report["stages"][1]
    assert decision["pieces"] == 2 and decision["wrong_audience"] == 1
    assert decision["share_by_persona"] == {"beth-bureaucrat": 0.5, "susie-solopreneur": 0.5}
    assert stage_summary(report["pieces"], "susie-solopreneur") == report["stages"]
    html = render_html(report)
    assert "<h2>Where on the journey</h2>" in html and "<th>Stage</th>" in html
    assert "<h2>Through which channels</h2>" in html


def test_html_outcomes_are_escaped_and_drawn_inline() -> None:
    pieces = [_piece(f"https://t.example/p{i}", "landing", "on-target", None, i / 20)
              for i in range(20)]
    for i, p in enumerate(pieces):
        p["title"] = "<script>alert(1)</script>"
        p["outcomes"] = {"<b>refunds</b>": i * 0.01}
    from audit.outcomes.associate import outcome_summary

    outcomes = outcome_summary(pieces, RUN["personas"], {p["source"]: p["outcomes"] for p in pieces})
    html = render_html(build_report(dict(RUN), pieces, outcomes=outcomes))
    assert outcomes["associations"][0]["strong"]
    assert "<svg" in html and html.count("<circle") == 20
    assert "<b>refunds</b>" not in html and "&lt;b&gt;refunds&lt;/b&gt;" in html
    assert "<script>alert" not in html
    assert "pages that pull toward Beth the Bureaucrat have higher &lt;b&gt;refunds&lt;/b&gt;" in html


def test_check_json_pieces_carry_their_stage(tmp_path: Path, cli_env: dict[str, str]) -> None:
    draft = tmp_path / "promo.md"
    draft.write_text("# Spring sale: 30% off\n\nStack coupon codes today.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "audit", "check", str(draft), "-f", "json",
                           "--channel", "email"], capture_output=True, text=True, env=cli_env,
                          timeout=300, cwd=tmp_path)
    report = json.loads(done.stdout)  # piped: the compact path with pieces encoded early
    assert report["pieces"][0]["stage"] == "decision"
    assert report["stages"][0]["stage"] == "decision"


def test_demo_imports_its_outcomes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from audit.demo import main
    from audit.store.store import Store

    assert main(["--out", str(tmp_path)]) == 0
    # Before the app opens, the terminal already says who each channel attracts.
    printed = capsys.readouterr().err
    summary = printed[printed.index("Who each channel attracts"):]
    rows = {line.split()[0]: line.split()[1:] for line in summary.splitlines()
            if line.split() and line.split()[0] in ("ad", "blog", "docs", "email", "landing")}
    assert set(rows) == {"ad", "blog", "docs", "email", "landing"}
    assert all(len(cells) == 6 for cells in rows.values())  # pieces, wrong, four personas
    assert "personalization" in summary and "the whole report: antipersona report" in summary
    with Store(tmp_path / "antipersona.db") as store:
        run_id = store.resolve_run("latest")
        files = store.outcome_files(run_id)
        report = store.report(run_id)
    assert [f["format"] for f in files] == ["ga4", "url-metric-value", "search-console"]
    # The invented numbers follow the intended verdicts, so those pairs lead (how credible
    # they are depends on the profile's exact scores over 27 pages).
    top = {(a["persona"], a["metric"]): a for a in report["outcomes"]["associations"][:3]}
    assert top[("bargain-hunter", "refund_rate")]["rho"] > 0.4
    assert top[("beth-bureaucrat", "support_tickets_per_100_signups")]["rho"] > 0.4
    assert {s["stage"] for s in report["stages"]} == {"awareness", "consideration", "decision",
                                                      "retention"}


def test_diff_shows_outcome_movement_on_pages_that_changed_verdict() -> None:
    from audit.report.diff import diff_reports
    from audit.report.render import export

    before = _piece("https://t.example/pricing", "landing", "on-target", None, 0.1)
    before["outcomes"] = {"refund_rate": 0.02, "Sessions": 900.0}
    after = _piece("https://t.example/pricing", "landing", "wrong-audience", "beth-bureaucrat", .9)
    after["outcomes"] = {"refund_rate": 0.05, "Sessions": 700.0}
    old, new = build_report(dict(RUN), [before]), build_report(dict(RUN), [after])
    diff = diff_reports(old, new)
    moved = diff["changed"][0]["outcomes"]
    assert moved["refund_rate"] == {"old": 0.02, "new": 0.05, "delta": 0.03}
    assert moved["Sessions"]["delta"] == -200.0
    table = export(new, "table", diff=diff, width=140)
    assert "Outcomes on pages that changed verdict" in table and "refund_rate: 0.02 → 0.05" in table
    html = export(new, "html", diff=diff)
    assert "Outcomes on pages that changed verdict" in html


def test_local_files_are_staged_by_their_own_path() -> None:
    from audit.journey import stage_of

    assert stage_of({"source": "site/pricing.html", "channel": "landing", "title": ""}) == "decision"
    assert stage_of({"source": "docs/getting-started.md", "channel": "docs",
                     "title": ""}) == "retention"
    assert stage_of({"source": "/home/sam/help/site/index.html", "channel": "landing",
                     "title": ""}) == "awareness"  # a home page; the folders above say nothing
