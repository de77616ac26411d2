"""Report formats of a stored run: terminal table, CSV, standalone HTML.

The copy is hostile on purpose: crawled titles and sentences carry rich markup, HTML/JS
injection and spreadsheet formulas, and every format must show them as plain text.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from rich.console import Console

from audit import Config, Engine, Store
from audit.report.csv import render_csv, safe_cell
from audit.report.diff import diff_reports
from audit.report.html import _JS, CSP, highlight, render_html
from audit.report.table import render_table, short_name, worst_pieces

TARGET = "susie-solopreneur"
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]

DRAFTS: list[tuple[str, str, str]] = [
    ("https://tallyfox.example/", "landing",
     "# Invoicing for one-person businesses\n\nStart free today. Set it up yourself in minutes. "
     "Simple pricing for small teams."),
    ("https://tallyfox.example/enterprise", "landing",
     "# Enterprise-grade [bold]governance[/bold] [link=http://evil]x[/link]\n\nRequest a demo. "
     "Our governance framework passes procurement and security review. Contact sales."),
    ("https://tallyfox.example/blog/<script>alert(1)</script>", "blog",
     "# Five <script>alert(1)</script> tips\n\nSet it up yourself in minutes. "
     "<img src=x onerror=alert(1)> \"><svg onload=alert(1)> Our procurement-ready platform "
     "needs sign-off from your boss."),
    ("javascript:alert(1)", "email",
     "# Hi {{first_name}}, we noticed you looked at invoices\n\nWe noticed you looked at our "
     "pricing page yesterday. Only 2 hours left!"),
    ("ad-formula", "ad",
     "# =HYPERLINK(\"http://evil\",\"click\") Save 90% today\n\nLowest price anywhere, with a "
     "free forever plan and stackable discounts."),
    ("ad-plus", "ad", "# +1 lowest price guaranteed\n\n@everyone stack discounts now."),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A report read back from a real store, as `antipersona report` would render it."""
    engine = Engine(Config(), model="fast")
    pieces = [engine.piece_from_text(t, source=s, channel=c) for s, c, t in DRAFTS]
    path = tmp_path_factory.mktemp("fmt") / "runs.db"
    with Store(path) as store:
        run_id = store.create_run(name="Q4 <b>audit</b>", sources=[s for s, _, _ in DRAFTS],
                                  config={}, personas=[p.to_dict() for p in engine.personas],
                                  profile=engine.profile, model=engine.pipeline.model,
                                  target=TARGET)
        for piece, result in zip(pieces, engine.check_pieces(pieces, n_process=1), strict=True):
            store.add_result(run_id, result.to_dict(),
                             sections=[(s.role, s.text) for s in piece.sections])
        store.add_error(run_id, "https://tallyfox.example/<img src=x onerror=alert(2)>",
                        "HTTP 404 <script>alert(3)</script>")
        store.add_error(run_id, "=cmd|' /C calc'!A0", "robots.txt disallows", kind="skipped")
        store.finish_run(run_id)
        rep = store.report(run_id)
    labels = {p["verdict"]["label"] for p in rep["pieces"]}
    assert {"on-target", "wrong-audience"} <= labels
    return rep


# ------------------------------------------------------------------------------ table

def test_table_shows_channels_worst_pieces_and_errors(report: dict[str, Any]) -> None:
    console = Console(record=True, width=200, color_system=None)
    render_table(report, console)
    out = console.export_text()
    assert report["run"]["id"] in out and "Q4 <b>audit</b>" in out
    assert "Who each channel attracts" in out and "Worst pieces" in out
    for channel in ("landing", "blog", "email", "ad"):
        assert channel in out
    # Page text printed as it is: rich markup in a title is not interpreted.
    assert "[bold]governance[/bold]" in out
    assert "[link=http://evil]x[/link]" in out
    assert "<script>alert(1)</script>" in out
    assert "2 sources not audited" in out and "HTTP 404" in out
    worst = worst_pieces(report)
    assert worst and worst[0]["verdict"]["label"] != "on-target"
    first_title = worst[0]["title"][:20]
    assert out.index("Worst pieces") < out.index(first_title, out.index("Worst pieces"))


def test_table_reads_at_80_columns(report: dict[str, Any]) -> None:
    """The channel view used to cut "Verdicts" to "Verdic…", "on-target" to "on-tar…" and
    every cue group to six letters in an 80-column terminal."""
    from audit.report.outcomes_view import stage_table

    console = Console(record=True, width=80, color_system=None)
    render_table(report, console)
    console.print(stage_table(report))
    out = console.export_text()
    lines = out.splitlines()
    assert max(console.measure(line).maximum for line in lines) <= 80
    assert "…" not in out  # nothing ellipsised
    for word in ("landing", "blog", "email", "ad", "Susie", "Beth", "Bargain", "Hunter", "Over-",
                 "personalization", "Wrong", "audience", "wrong-audience", "consideration"):
        assert word in out, word
    groups = {str(g["group"]) for ch in report["channels"] for gs in ch["drivers"].values()
              for g in gs[:3]}
    assert groups and all(g in out or g.startswith("tone:") for g in groups)
    for piece in worst_pieces(report):
        assert piece["verdict"]["label"] in out


def test_tone_metrics_read_in_plain_words(report: dict[str, Any]) -> None:
    from audit.analyze.tonenames import plain_metric, tone_evidence_line

    assert plain_metric("acronym_density", 9.449) == "acronyms per 100 words 9.4"
    assert plain_metric("passive_ratio", 0.25) == "passive sentences 25%"
    ev = {"persona": "beth-bureaucrat", "group": "tone:acronym_density", "section": "",
          "start": -1, "end": -1, "weight": 0.2, "negated": False, "suggest": [],
          "text": "acronym_density = 9.449", "kind": "tone",
          "note": "Tone pulls toward Beth the Bureaucrat: acronym_density above 3."}  # as stored
    line = tone_evidence_line(ev, {})
    assert line == ("Tone pulls toward Beth the Bureaucrat: acronyms per 100 words above 3 "
                    "(this copy: 9.4)")
    assert "acronym_density" not in render_html({**report, "pieces": [
        {**report["pieces"][1], "evidence": [*report["pieces"][1]["evidence"], ev]}]})


def test_table_of_an_empty_run() -> None:
    empty = {"run": {"id": "r1", "target": TARGET, "personas": []}, "pieces": [], "channels": [],
             "errors": []}
    console = Console(record=True, width=120, color_system=None)
    render_table(empty, console)
    assert "0 pieces" in console.export_text()


def test_short_names() -> None:
    assert short_name({"name": "Beth the Bureaucrat"}) == "Beth"
    assert short_name({"name": "The Bargain Hunter"}) == "Bargain Hunter"
    assert short_name({"id": "x"}) == "x"


# ------------------------------------------------------------------------------ CSV

def test_csv_rows_columns_and_quoting(report: dict[str, Any]) -> None:
    text = render_csv(report)
    assert "\r\n" in text and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(report["pieces"])
    persona_ids = [p["id"] for p in report["run"]["personas"]]
    assert header[:7] == ["id", "source", "channel", "title", "words", "verdict",
                          "verdict_persona"]
    assert [f"score_{pid}" for pid in persona_ids] == header[7:7 + len(persona_ids)]
    assert "top_cues" in header and "reading_grade" in header and "passive_ratio" in header
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    for piece in report["pieces"]:
        row = by_id[piece["id"]]
        assert row["verdict"] == piece["verdict"]["label"]
        assert row["verdict_persona"] == (piece["verdict"]["persona"] or "")
        for pid in persona_ids:
            assert float(row[f"score_{pid}"]) == pytest.approx(piece["scores"][pid])
        assert float(row["reading_grade"]) == pytest.approx(piece["tone"]["reading_grade"])
    # Titles with quotes and commas survive the round trip (RFC 4180 quoting).
    formula = next(p for p in report["pieces"] if p["source"] == "ad-formula")
    assert by_id[formula["id"]]["title"] == "'" + formula["title"]


def test_csv_formula_injection_is_defused(report: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(report), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    titles = {r[1]: r[3] for r in rows[1:]}
    assert titles["ad-plus"].startswith("'+1")
    assert titles["ad-formula"].startswith("'=HYPERLINK(")


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (" =x", " =x"), (-0.5, -0.5),
    (3, 3), (None, ""), (True, "true"),
])
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_csv_multiline_and_quotes_round_trip() -> None:
    piece = {"id": "p1", "source": "s", "channel": "ad", "title": 'Say "hi",\nthen -bye',
             "words": 3, "scores": {"a": 0.5}, "verdict": {"label": "neutral", "persona": None},
             "evidence": [], "tone": {"reading_grade": 1.0}}
    rep = {"run": {"target": "a", "personas": [{"id": "a", "name": "A", "kind": "persona"}]},
           "pieces": [piece]}
    rows = list(csv.reader(io.StringIO(render_csv(rep), newline="")))
    assert rows[1][3] == 'Say "hi",\nthen -bye'


# ------------------------------------------------------------------------------ HTML

def _doc(text: str) -> Any:
    return lxml.html.document_fromstring(text)


def _assert_inert(page: str) -> None:
    doc = _doc(page)
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == _JS
    assert not scripts[0].get("src")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("svg", "img", "iframe", "object", "embed", "link", "base", "form")
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert value.startswith(("http://", "https://")), value
        if el.tag == "meta" and el.get("http-equiv"):
            assert el.get("http-equiv") == "Content-Security-Policy"
    for style in doc.xpath("//@style"):
        assert "url(" not in style and "expression" not in style


def test_html_is_standalone_with_strict_csp(report: dict[str, Any]) -> None:
    page = render_html(report)
    doc = _doc(page)
    [meta] = doc.xpath("//meta[@http-equiv='Content-Security-Policy']")
    csp = meta.get("content")
    assert csp == CSP
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert "style-src 'unsafe-inline'" in csp
    assert "script-src 'sha256-" in csp and "script-src 'unsafe-inline'" not in csp
    assert not doc.xpath("//link") and not doc.xpath("//*[@src]")
    assert "@import" not in page and "//cdn" not in page and "fonts.googleapis" not in page
    assert "eval(" not in _JS and "innerHTML" not in _JS


def test_html_escapes_hostile_page_text(report: dict[str, Any]) -> None:
    page = render_html(report)
    _assert_inert(page)
    text = _doc(page).text_content()
    # The hostile strings are shown, as words.
    for needle in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                   '"><svg onload=alert(1)>', "Q4 <b>audit</b>", "HTTP 404 <script>alert(3)</script>"):
        assert needle in text, needle
    assert page.count("<script") == 1
    # A javascript: source is never a link.
    assert not _doc(page).xpath("//a[contains(@href, 'javascript')]")
    hrefs = _doc(page).xpath("//a/@href")
    assert "https://tallyfox.example/enterprise" in hrefs


def test_html_headline_heatmap_worst_and_errors(report: dict[str, Any]) -> None:
    doc = _doc(render_html(report))
    text = doc.text_content()
    n = len(report["pieces"])
    assert f"{n}" in doc.xpath("string(//div[contains(@class,'fig')][1]//div[@class='fig-value'])")
    wrong = sum(1 for p in report["pieces"] if p["verdict"]["label"] == "wrong-audience")
    assert f"{round(wrong / n * 100)}%" in text
    heat = doc.xpath("//table[contains(@class,'heat')]")[0]
    rows = heat.xpath(".//tbody/tr")
    assert [r.xpath("string(th)") for r in rows] == [c["channel"] for c in report["channels"]]
    cells = heat.xpath(".//td[contains(@class,'heatcell') and not(contains(@class,'zero'))]")
    assert cells and all("background:rgba(" in c.get("style") for c in cells)
    cards = doc.xpath("//article[contains(@class,'piece')]")
    assert len(cards) == len(worst_pieces(report, 100))
    marks = doc.xpath("//blockquote/mark")
    assert marks and all(m.get("style").startswith("background:rgba(") for m in marks)
    assert "What to write instead" in text
    assert "Not audited (2)" in text
    # the sortable table lists every piece
    assert len(doc.xpath("//table[@id='ap-pieces']/tbody/tr")) == n


def test_highlight_builds_marks_from_escaped_slices() -> None:
    sentence = 'Ask <b>procurement</b> & "sign-off" <script>x</script>'
    out = highlight(sentence, [("procurement", "#c2410c", "Beth / red-tape"),
                               ("<script>", "#be185d", 'x" onmouseover="alert(1)'),
                               ("absent", "#000000", "none")])
    frag = lxml.html.fragment_fromstring(f"<p>{out}</p>")
    assert frag.text_content() == sentence
    marks = frag.xpath("mark")
    assert [m.text for m in marks] == ["procurement", "<script>"]
    assert marks[1].get("title") == 'x" onmouseover="alert(1)'
    assert not any(k.startswith("on") for m in marks for k in m.attrib)
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_hostile_colors_and_names_in_packs_are_contained(report: dict[str, Any]) -> None:
    bad = dict(report)
    bad["run"] = dict(report["run"])
    bad["run"]["personas"] = [dict(p) for p in report["run"]["personas"]]
    bad["run"]["personas"][0]["color"] = "red;background:url(http://evil/x.png)"
    bad["run"]["personas"][1]["name"] = "<script>alert('pack')</script>"
    page = render_html(bad)
    _assert_inert(page)
    assert "url(" not in page
    assert "<script>alert('pack')</script>" in _doc(page).text_content()


def test_html_with_diff_section(report: dict[str, Any]) -> None:
    older = dict(report, pieces=report["pieces"][:-1],
                 run=dict(report["run"], id="older-run", name="September <i>run</i>"))
    diff = diff_reports(older, report)
    page = render_html(report, diff=diff)
    _assert_inert(page)
    text = _doc(page).text_content()
    assert "Since September <i>run</i>" in text
    assert "Added (1)" in text
    # When the report carries the diff (report --diff --format html) it is rendered too.
    assert "Since September" in _doc(render_html(dict(report, diff=diff))).text_content()


def test_html_of_an_empty_run() -> None:
    empty = {"run": {"id": "r1", "target": TARGET, "personas": []}, "pieces": [],
             "channels": [], "errors": []}
    page = render_html(empty)
    _assert_inert(page)
    assert "Pieces audited" in page


def test_html_is_printable_and_self_contained(report: dict[str, Any], tmp_path: Path) -> None:
    page = render_html(report)
    assert "@media print" in page
    out = tmp_path / "report.html"
    out.write_text(page, encoding="utf-8")
    assert out.stat().st_size < 400_000
    sources = {p["source"] for p in report["pieces"]}
    assert set(_doc(page).xpath("//a/@href")) <= sources  # links only to audited pages


def test_json_with_pieces_encoded_early_is_the_same_text(engine) -> None:  # type: ignore[no-untyped-def]
    from audit.report.build import build_report, compact_json, dump_json

    pieces = [engine.check_text(t, "landing", source=f"p{i}").to_dict()
              for i, t in enumerate(["Request a demo", "Start free, no card", "Ünïcode “quotes”"])]
    report = build_report({"id": "r1", "target": "susie-solopreneur"}, pieces, [])
    assert dump_json(report, pretty=False, encoded_pieces=[compact_json(p) for p in pieces]) \
        == dump_json(report, pretty=False)


def test_evidence_json_is_what_compact_json_writes() -> None:
    """The direct evidence encoder (long pages hold thousands of cues) writes exactly the text
    ``compact_json`` writes, for awkward strings, weights and groups alike."""
    from audit.models import Evidence, compact_json, evidence_json

    advice = ["Say \"you\" \\ not \"we\"", "Ünïcode “quotes”, emoji \U0001f600, tab\there"]
    evidence = [
        Evidence("beth-bureaucrat", "procurement", "sign-off", "h1", 0, 8, 0.123456789,
                 suggest=advice, sentence="Needs sign-off.\nLine two \x00 \x1f \u2028", note="n"),
        Evidence("beth-bureaucrat", "procurement", "SSO", "body", 9, 12, 0.0, negated=True,
                 suggest=list(advice), sentence="No SSO needed.", note="n",
                 counts_for="susie-solopreneur"),
        Evidence("beth-bureaucrat", "procurement", "SLA", "body", 13, 16, 2,
                 suggest=["other advice, same group"], sentence="No SSO needed.", note="n"),
        Evidence("susie-solopreneur", "tone:hype_rate", "hype_rate = 3", "", -1, -1, 1e-9,
                 note="Tone pulls", kind="tone"),
        Evidence("bargain-hunter", "price", "50% off", "cta", 20, 27, float("nan"),
                 sentence="", note=""),
        Evidence("beth-bureaucrat", "compliance", "SOC 2", "body", 0, 5, 0.2,
                 sentence="SOC 2 is an attestation standard.", note="n",
                 context="informational"),
        Evidence("beth-bureaucrat", "compliance", "SSO", "body", 9, 12, 0.0, negated=True,
                 sentence='No "SSO tax" here.', note="n", counts_for="susie-solopreneur",
                 context="quoted"),
    ]
    assert evidence_json(evidence) == compact_json([e.to_dict() for e in evidence])
    assert evidence_json([]) == "[]"


def test_shrunk_result_writes_and_summarises_the_same(engine) -> None:
    """A worker shrinks a result it has encoded (evidence dropped, JSON kept); to_json, summary
    and to_dict still give what the full result gives."""
    import copy

    result = engine.check_text("# Enterprise plans\n\nRequest a demo. No SSO needed to start. "
                               "We noticed you viewed pricing, {{first_name}}!", channel="landing")
    full = (result.to_json(), result.summary(), result.to_dict())
    shrunk = copy.copy(result)
    shrunk.shrink()
    assert not shrunk.evidence and not shrunk.sentences
    assert (shrunk.to_json(), shrunk.summary(), shrunk.to_dict()) == full


def test_text_output_gives_each_groups_suggestions_once_per_piece(engine) -> None:
    from audit.report.text import render_text

    text = ("Enterprise procurement made simple\n\nOur team handles procurement, the RFP, the "
            "master services agreement and vendor onboarding.\n\nProcurement sign-off in weeks.\n")
    result = engine.check_text(text)
    report = {"run": {"target": engine.config.target,
                      "personas": [p.to_dict() for p in engine.personas]},
              "pieces": [result.to_dict()], "errors": []}
    console = Console(record=True, width=400, color_system=None)
    render_text(report, console, verbose=True)
    out = console.export_text()
    lines = out.splitlines()
    procurement = [i for i, line in enumerate(lines) if "/ procurement-and-legal" in line]
    assert len(procurement) >= 4
    # The group's suggestions, on their own line, follow its first phrase and no other.
    tips = [i for i in procurement if lines[i + 1].lstrip().startswith("try:")]
    assert tips == [procurement[0]]


def test_text_output_wraps_under_its_indent_and_names_tone_metrics(engine) -> None:
    from audit.report.text import render_text

    text = ("Enterprise-grade governance for your stakeholders\n\nOur SOC 2, ISO 27001, SSO, SAML, "
            "SCIM and HIPAA compliant platform gives procurement, IT and legal the security "
            "review, DPA, MSA and RBAC controls they need before sign-off. Request a demo with "
            "our enterprise sales team to discuss a custom quote and a master services "
            "agreement for your approval workflow.\n")
    result = engine.check_text(text)
    report = {"run": {"target": engine.config.target,
                      "personas": [p.to_dict() for p in engine.personas]},
              "pieces": [result.to_dict()], "errors": []}
    console = Console(record=True, width=80, color_system=None, soft_wrap=True)  # as check does
    render_text(report, console, verbose=True)
    out = console.export_text()
    lines = out.splitlines()
    heads = [line for line in lines if not line.startswith(" " * 8)]
    assert max(len(line) for line in lines if line not in heads[:1]) <= 80
    tips = [i for i, line in enumerate(lines) if line.lstrip().startswith("try:")]
    assert tips and any(len(lines[i]) > 60 for i in tips)
    # A long suggestion goes on under its own indent, not back at column 0.
    assert all(lines[i + 1].startswith(" " * 14) for i in tips if len(lines[i]) > 70)
    assert not any(line != line.rstrip() for line in lines)
    assert "acronyms per 100 words" in out and "acronym_density" not in out
    assert "(this copy: " in out


def test_csv_carries_the_stage_and_each_imported_outcome(report: dict[str, Any]) -> None:
    rep = copy.deepcopy(report)
    first, second = rep["pieces"][0], rep["pieces"][1]
    first["stage"], second["stage"] = "decision", "awareness"
    first["outcomes"] = {"refund_rate": 0.12, "sessions": 340}
    second["outcomes"] = {"sessions": 90}
    rows = list(csv.reader(io.StringIO(render_csv(rep), newline="")))
    header = rows[0]
    assert header[-3:] == ["outcome_refund_rate", "outcome_sessions", "warnings"]  # new: last
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_id[first["id"]]["stage"] == "decision"
    assert by_id[first["id"]]["outcome_refund_rate"] == "0.12"
    assert by_id[second["id"]]["outcome_refund_rate"] == ""
    assert by_id[second["id"]]["outcome_sessions"] == "90"
