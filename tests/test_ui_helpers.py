"""The app's pure helpers (audit.ui): safe highlighted HTML, view state in the URL, the audit
command line, charts and the plain-language views. No Streamlit needed."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audit import Engine
from audit.models import DEFAULT_PACK_COLOR
from audit.packs.lexicon import DEFAULT_LEXICON_DIR
from audit.ui.charts import blend, heatmap_chart, heatmap_frame, persona_order, score_chart, selected_cell
from audit.ui.explain import rewrites, tone_rows, verdict_headline
from audit.ui.figures import diff_channel_rows, diff_piece_rows, drivers_rows, headline, piece_table
from audit.ui.highlight import (
    Mark,
    Swatch,
    highlight_html,
    legend_html,
    marks_from_evidence,
    md_escape,
    palette,
    rewrites_html,
    safe_color,
    sections_html,
)
from audit.ui.packs import parse_problem, validate_pack_text
from audit.ui.runs import (
    audit_command,
    parse_pasted,
    progress_caption,
    progress_fraction,
    safe_filename,
    save_uploads,
    upload_dir,
)
from audit.ui.state import PAGE_SIZE, ReportView, page_count, page_offset

SW = {
    "susie-solopreneur": Swatch("susie-solopreneur", "Susie", "persona", "#0f766e"),
    "beth-bureaucrat": Swatch("beth-bureaucrat", "Beth", "anti-persona", "#c2410c"),
    "over-personalization": Swatch("over-personalization", "Creepy", "risk", "#be185d"),
}
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "</mark><script>x()</script>",
    "&lt;already&gt; & <b>bold</b>",
]


class _Tags(HTMLParser):
    """Every tag and attribute an HTML string really contains, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def _assert_only_our_tags(html: str) -> _Tags:
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        assert tag in {"div", "span", "mark", "ul", "li", "b", "code"}, tag
        assert set(attrs) <= {"class", "style", "title", "data-persona", "data-group"}, attrs
    return parsed


# -- highlight ---------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", HOSTILE)
def test_highlight_escapes_hostile_text_and_keeps_it_visible(hostile: str) -> None:
    text = f"Request a demo {hostile} before sign-off"
    start = text.index("sign-off")
    marks = [Mark(0, 14, "beth-bureaucrat", "sales"), Mark(start, start + 8, "beth-bureaucrat", hostile)]
    html = highlight_html(text, marks, SW)
    parsed = _assert_only_our_tags(html)
    assert "".join(parsed.text) == text  # the visible text is exactly the page text
    assert [t for t, _ in parsed.tags].count("mark") == 2


@pytest.mark.parametrize("hostile", HOSTILE)
def test_tooltips_and_data_attributes_are_escaped(hostile: str) -> None:
    mark = Mark(0, 4, hostile, hostile, suggest=(hostile,), note=hostile)
    swatches = {hostile: Swatch(hostile, hostile, "anti-persona", hostile)}
    html = highlight_html("copy text", [mark], swatches)
    parsed = _assert_only_our_tags(html)
    ((_, attrs),) = parsed.tags
    assert attrs["data-persona"] == hostile
    assert hostile in (attrs["title"] or "")
    assert DEFAULT_PACK_COLOR in (attrs["style"] or "")  # an invalid colour never reaches the style


def test_colours_come_only_from_a_valid_hex() -> None:
    assert safe_color("#C2410C") == "#c2410c"
    for bad in ("red", "#fff", "#c2410c;background:url(x)", "expression(alert(1))", None, 42):
        assert safe_color(bad) == DEFAULT_PACK_COLOR
    swatches = palette([{"id": "x", "name": "X", "kind": "risk", "color": "url(javascript:1)"}])
    assert swatches["x"].color == DEFAULT_PACK_COLOR


def test_overlapping_cues_split_into_well_formed_marks() -> None:
    text = "lowest price guaranteed today"
    marks = [Mark(0, 12, "beth-bureaucrat", "a", weight=0.5),
             Mark(7, 23, "over-personalization", "b", weight=1.0)]
    html = highlight_html(text, marks, SW)
    parsed = _assert_only_our_tags(html)
    assert "".join(parsed.text) == text
    segments = re.findall(r'<mark[^>]*data-persona="([^"]+)"[^>]*>([^<]*)</mark>', html)
    assert segments == [("beth-bureaucrat", "lowest "), ("over-personalization", "price"),
                        ("over-personalization", " guaranteed")]
    middle = re.findall(r'title="([^"]*)"', html)[1]
    assert "Beth" in middle and "Creepy" in middle  # the tooltip names both cues


def test_negated_cue_is_dashed_and_says_who_it_counts_for() -> None:
    mark = Mark(0, 15, "beth-bureaucrat", "sales", negated=True, counts_for="susie-solopreneur")
    html = highlight_html("no sales calls!", [mark], SW)
    assert "dashed" in html and "negated: counts for Susie" in html


def test_marks_from_evidence_skip_tone_and_shift_to_the_window() -> None:
    evidence = [
        {"persona": "beth-bureaucrat", "group": "g", "start": 20, "end": 25, "kind": "cue", "weight": 1},
        {"persona": "beth-bureaucrat", "group": "tone:reading_grade", "start": -1, "end": -1, "kind": "tone"},
        {"persona": "beth-bureaucrat", "group": "g", "start": 2, "end": 5, "kind": "cue"},
    ]
    marks = marks_from_evidence(evidence, start=18, end=30)
    assert [(m.start, m.end) for m in marks] == [(2, 7)]


def test_sections_map_piece_offsets_onto_each_section() -> None:
    sections = [{"role": "title", "text": "Contact <sales>"}, {"role": "body", "text": "Request a demo now"}]
    body_start = len("Contact <sales>") + 2
    evidence = [{"persona": "beth-bureaucrat", "group": "sales", "start": body_start,
                 "end": body_start + 14, "kind": "cue", "weight": 1.0}]
    html = sections_html(sections, evidence, SW)
    _assert_only_our_tags(html)
    assert ">Request a demo</mark>" in html
    assert "Contact &lt;sales&gt;" in html
    assert ">title</span>" in html and ">body</span>" in html


def test_long_text_is_cut_with_a_note() -> None:
    html = highlight_html("x" * 100, [], SW, limit=10)
    assert html.startswith("x" * 10) and "90 more characters" in html


def test_legend_and_rewrite_cards_escape_names() -> None:
    swatches = {"p": Swatch("p", "<b>Evil</b>", "risk", "#123456")}
    assert "&lt;b&gt;Evil&lt;/b&gt;" in legend_html(swatches)
    cards = rewrites_html(rewrites([{"persona": "p", "group": "g", "text": "<script>", "kind": "cue",
                                     "weight": 1, "suggest": ["<i>try</i>"], "note": "<u>n</u>"}],
                                   swatches), swatches)
    _assert_only_our_tags(cards)
    assert "&lt;script&gt;" in cards and "&lt;i&gt;try&lt;/i&gt;" in cards


def test_md_escape_neutralises_markdown_html_and_directives() -> None:
    out = md_escape("**bold** [x](javascript:alert(1)) <b>t</b> :red[x] $x$\nline")
    for raw in ("**", "](", "<b>", ":red[", "$x$", "\n"):
        assert raw not in out
    assert re.sub(r"\\(.)", r"\1", out) == "**bold** [x](javascript:alert(1)) <b>t</b> :red[x] $x$ line"


# -- view state --------------------------------------------------------------------------------

def test_view_round_trips_through_query_params() -> None:
    view = ReportView(run="r1", channel="landing", verdict="wrong-audience", persona="beth-bureaucrat",
                      q="demo", score=0.5, piece="abc", page=3, compare="r0")
    params = view.to_params()
    assert params == {"run": "r1", "channel": "landing", "verdict": "wrong-audience",
                      "persona": "beth-bureaucrat", "q": "demo", "score": "0.5", "piece": "abc",
                      "page": "3", "compare": "r0"}
    assert ReportView.from_params(params) == view
    assert ReportView().to_params() == {}
    assert view.link().startswith("report?run=r1&channel=landing")
    assert ReportView(q="a b&c").link("http://h:1/report") == "http://h:1/report?q=a+b%26c"


def test_bad_query_params_fall_back_to_defaults() -> None:
    view = ReportView.from_params({"page": ["-4"], "score": "nan?", "q": "x" * 5000, "evil": "1",
                                   "channel": ["a", "b"]})
    assert view.page == 1 and view.score == 0.0 and len(view.q) == 200 and view.channel == "b"
    assert ReportView.from_params({"page": "99999999999"}).page == 1
    assert ReportView.from_params({"score": "1.5"}).score == 0.0


def test_paging_arithmetic() -> None:
    assert page_count(0) == 1 and page_count(PAGE_SIZE) == 1 and page_count(PAGE_SIZE + 1) == 2
    assert page_offset(1) == 0 and page_offset(3) == 2 * PAGE_SIZE


# -- starting a run ----------------------------------------------------------------------------

def test_audit_command_has_the_documented_shape(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    cmd = audit_command(["urls.txt", "https://x.example/sitemap.xml"], db, "May audit")
    assert cmd == [sys.executable, "-m", "audit", "audit", "urls.txt", "https://x.example/sitemap.xml",
                   "--db", str(db), "--name", "May audit"]
    full = audit_command(["a.txt"], db, "n", allow_private=True, delay=0.5, concurrency=3)
    assert full[-5:] == ["--allow-private", "--delay", "0.5", "--concurrency", "3"]
    assert audit_command(["a.txt"], db, "n", render="auto")[-2:] == ["--render", "auto"]
    assert "--render" not in audit_command(["a.txt"], db, "n", render="never")
    with pytest.raises(ValueError):
        audit_command(["a.txt"], db, "n", render="--db=x")


@pytest.mark.parametrize("bad", ["--db=/etc/passwd", "-x", ""])
def test_audit_command_refuses_sources_that_look_like_options(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        audit_command(["ok.txt", bad], tmp_path / "db", "n")
    with pytest.raises(ValueError):
        audit_command([], tmp_path / "db", "n")


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\urls.txt", "urls.txt"),
    (".hidden", "hidden"),
    ("my list (final).csv", "my_list_final_.csv"),
    ("", "upload"),
    ("../..", "upload"),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_uploads_land_next_to_the_db_with_distinct_names(tmp_path: Path) -> None:
    folder = upload_dir(tmp_path / "runs.db", datetime(2026, 5, 1, 12, 0, 0))
    assert folder.parent == tmp_path.resolve() / "uploads"
    paths = save_uploads(folder, [("../urls.txt", b"a"), ("urls.txt", b"b")])
    assert [p.parent for p in paths] == [folder, folder]
    assert paths[0] != paths[1] and [p.read_bytes() for p in paths] == [b"a", b"b"]


def test_parse_pasted_sorts_pages_sitemaps_and_problems() -> None:
    got = parse_pasted("# my pages\nhttps://a.example/\n\nhttps://a.example/sitemap.xml\n"
                       "ftp://a.example/x\nexample.com/pricing\n")
    assert got.pages == ["https://a.example/"]
    assert got.sitemaps == ["https://a.example/sitemap.xml"]
    assert len(got.problems) == 2 and "line 5" in got.problems[0] and "https://" in got.problems[1]


def test_progress_wording() -> None:
    progress = {"total": 400, "done": 120, "failed": 3, "skipped": 1, "rate": 4.2, "eta": 66}
    assert progress_fraction(progress) == pytest.approx(124 / 400)
    # The bar's count is what its length shows (failed and skipped are finished too).
    assert progress_caption(progress) == ("124 of 400 sources · 120 analysed · 3 failed · 1 skipped · "
                                          "4.2 pieces/s · about 66 s left")
    resumed = {"total": 10, "done": 2, "resumed": 5}
    assert progress_fraction(resumed) == pytest.approx(0.7)
    assert progress_caption(resumed).startswith("7 of 10 sources · 2 analysed · 5 kept from before")
    assert progress_caption({"done": 12, "total": None}).startswith("12 sources so far (the total")
    assert progress_fraction({}) == 0.0 and progress_caption(None) == "starting…"
    assert progress_fraction({"total": 2, "done": 5}) == 1.0


def test_run_list_signature_and_the_reason_a_run_stopped() -> None:
    from audit.ui.runs import failure_line, runs_signature

    before = runs_signature([{"id": "a", "status": "running", "pieces": 3}])
    assert before == runs_signature([{"id": "a", "status": "running", "pieces": 9}])
    assert before != runs_signature([{"id": "a", "status": "done", "pieces": 9}])
    log = "auditing 3/9\nantipersona: x.txt: no such file\nantipersona: name at least one source\n"
    assert failure_line(log) == "name at least one source"
    assert failure_line("run 1: 2 pieces analysed") == ""


# -- charts and figures ------------------------------------------------------------------------

MATRIX = [
    {"channel": ch, "persona": pid, "pieces_in_channel": n, "drawn": drawn, "mean_score": mean}
    for ch, pid, n, drawn, mean in [
        ("landing", "susie-solopreneur", 4, 1, 0.3),
        ("landing", "beth-bureaucrat", 4, 2, 0.6),
        ("landing", "over-personalization", 4, 0, 0.0),
        ("email", "susie-solopreneur", 2, 1, 0.4),
        ("email", "beth-bureaucrat", 2, 0, 0.1),
        ("email", "over-personalization", 2, 1, 0.7),
    ]
]


def test_heatmap_frame_and_chart() -> None:
    df = heatmap_frame(MATRIX, SW, "susie-solopreneur")
    cell = df[(df.channel == "landing") & (df.persona == "beth-bureaucrat")].iloc[0]
    assert cell.share == 0.5 and cell.label == "50% (2)" and cell["name"] == "Beth"
    assert df[df.persona == "susie-solopreneur"].iloc[0]["name"] == "Susie (target)"
    spec = heatmap_chart(MATRIX, SW, "susie-solopreneur").to_dict()
    (param,) = spec["params"]
    assert param["name"] == "cell" and param["select"]["fields"] == ["channel", "persona"]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Persona the pieces attract"
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Channel"


def test_blend_and_order() -> None:
    assert blend("#c2410c", 1.0) == "#c2410c"
    assert blend("#c2410c", 0.0) != blend("#c2410c", 0.1)
    assert persona_order(SW, "susie-solopreneur") == ["susie-solopreneur", "beth-bureaucrat",
                                                     "over-personalization"]


def test_selected_cell_reads_streamlit_events() -> None:
    assert selected_cell({"selection": {"cell": [{"channel": "email", "persona": "p"}]}}) == ("email", "p")
    assert selected_cell({"selection": {"cell": {"channel": ["ad"], "persona": ["q"]}}}) == ("ad", "q")
    assert selected_cell({"selection": {"cell": []}}) is None
    assert selected_cell(None) is None


def test_score_chart_uses_the_pack_colours() -> None:
    spec = score_chart({"susie-solopreneur": 0.2, "beth-bureaucrat": 0.9}, SW, "susie-solopreneur").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {(row["persona"], row["color"]) for row in data} == {("susie-solopreneur", "#0f766e"),
                                                               ("beth-bureaucrat", "#c2410c")}


def test_headline_figures() -> None:
    fig = headline({"wrong-audience": 6, "on-target": 3, "risk": 1},
                   {"landing": (3, 4), "ad": (2, 2), "email": (0, 2)})
    assert (fig.pieces, fig.wrong, fig.risk, fig.on_target) == (10, 6, 1, 3)
    assert fig.wrong_share == 0.6 and (fig.worst_channel, fig.worst_share) == ("ad", 1.0)
    assert headline({}, {}).worst_channel == ""


def test_drivers_and_piece_tables() -> None:
    counts = {("landing", "beth-bureaucrat"): [{"group": "red-tape", "pieces": 4},
                                               {"group": "jargon", "pieces": 2}]}
    rows = drivers_rows(counts, ["email", "landing"], ["beth-bureaucrat"], SW)
    assert rows == [{"Channel": "email", "Beth": "—"},
                    {"Channel": "landing", "Beth": "red-tape (4), jargon (2)"}]
    table = piece_table([{"id": "1", "source": "https://x", "title": "", "channel": "ad",
                          "verdict": "wrong-audience", "drawn": "beth-bureaucrat", "worst": 0.9,
                          "cues": "“demo”", "words": 12}], SW)
    assert table[0]["Title"] == "https://x" and table[0]["Verdict"] == "Wrong audience"
    assert table[0]["Attracts"] == "Beth"


def test_drivers_that_are_not_cue_groups_read_in_plain_words() -> None:
    """A manager reads "wording as a whole" and the tone metric, not "lean:rank" or a field
    name; cue groups keep their names."""
    counts = {("blog", "beth-bureaucrat"): [{"group": "tone:acronym_density", "pieces": 3},
                                            {"group": "lean:rank", "pieces": 1},
                                            {"group": "red-tape", "pieces": 1}]}
    rows = drivers_rows(counts, ["blog"], ["beth-bureaucrat"], SW)
    assert rows[0]["Beth"] == ("tone (acronyms per 100 words) (3), "
                               "wording as a whole (ranks only) (1), red-tape (1)")


def test_share_change_is_neutral_when_nothing_moved() -> None:
    from audit.ui.figures import share_change

    assert share_change(0.3, 0.3) == ("no change since then", "off")
    assert share_change(0.301, 0.304) == ("no change since then", "off")  # not "+0 pts" in red
    assert share_change(None, None) == ("no change since then", "off")
    assert share_change(0.2, 0.25) == ("+5 pts since then", "inverse")
    assert share_change(0.5, 0.25) == ("-25 pts since then", "inverse")


def test_diff_rows() -> None:
    diff = {"channels": [{"channel": "ad", "old_share": 0.5, "new_share": 0.25, "old_pieces": 2,
                          "new_pieces": 4, "delta": -0.25}],
            "changed": [{"title": "T", "source": "s", "channel": "ad", "direction": "worse",
                         "old_verdict": {"label": "on-target", "persona": "susie-solopreneur"},
                         "new_verdict": {"label": "wrong-audience", "persona": "beth-bureaucrat"},
                         "old_worst": 0.1, "new_worst": 0.8}]}
    assert diff_channel_rows(diff) == [{"Channel": "ad", "Before": "50% of 2", "Now": "25% of 4",
                                        "Change": "-25 pts"}]
    row = diff_piece_rows(diff, SW)[0]
    assert row["Change"] == "▲ worse" and row["Verdict now"] == "Wrong audience (Beth)"
    assert row["Worst score"] == "0.10 → 0.80"


# -- explanations ------------------------------------------------------------------------------

def test_verdict_headlines() -> None:
    assert verdict_headline({"label": "wrong-audience", "persona": "beth-bureaucrat"}, SW,
                            "susie-solopreneur") == ("Wrong audience: pulls toward Beth", "error")
    assert verdict_headline({"label": "on-target"}, SW, "susie-solopreneur")[1] == "success"
    assert verdict_headline({"label": "weird"}, SW, "susie-solopreneur")[1] == "info"


def test_rewrites_group_by_cue_group_and_skip_target_and_negated() -> None:
    evidence = [
        {"persona": "beth-bureaucrat", "group": "sales", "text": "Request a demo", "kind": "cue",
         "weight": 1.0, "suggest": ["start free"], "note": "why"},
        {"persona": "beth-bureaucrat", "group": "sales", "text": "request a demo", "kind": "cue",
         "weight": 0.5, "suggest": ["start free", "try it"]},
        {"persona": "beth-bureaucrat", "group": "sales", "text": "sales calls", "kind": "cue",
         "weight": 0.0, "negated": True},
        {"persona": "susie-solopreneur", "group": "easy", "text": "start free", "kind": "cue", "weight": 1},
        {"persona": "beth-bureaucrat", "group": "tone:reading_grade", "text": "x", "kind": "tone",
         "weight": 1},
    ]
    (rw,) = rewrites(evidence, SW)
    assert (rw.group, rw.phrases, rw.suggest, rw.weight) == ("sales", ["Request a demo"],
                                                             ["start free", "try it"], 1.5)


def test_tone_rows_show_target_goals_and_crossed_thresholds(engine: Engine) -> None:
    tone = {"reading_grade": 14.0, "second_person_ratio": 0.9, "avg_sentence_words": 30.0,
            "imperative_ratio": 0.0, "passive_ratio": 0.0}
    rows = tone_rows(tone, engine.personas, "susie-solopreneur")
    target_rows = [r for r in rows if r["Reads as"] == "wanted"]
    assert {r["Metric"] for r in target_rows} >= {"Reading grade", "'You' vs 'we'"}
    assert any(r["Status"] == "✓ meets target" for r in target_rows)
    assert any(r["Status"] == "✗ misses target" for r in target_rows)
    avoid = [r for r in rows if r["Reads as"] == "to avoid"]
    assert avoid and all(r["Status"] == "⚠ pulls away" for r in avoid)


# -- pack editing ------------------------------------------------------------------------------

def test_validate_pack_text_reports_lines_against_the_real_file_name() -> None:
    original = DEFAULT_LEXICON_DIR / "beth-bureaucrat.yaml"
    text = original.read_text(encoding="utf-8")
    others = [p for p in DEFAULT_LEXICON_DIR.glob("*.yaml") if p != original]
    ok = validate_pack_text(text, original, others)
    assert ok.ok and ok.persona is not None and ok.persona.id == "beth-bureaucrat"
    lines = text.splitlines()
    weight_line = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("weight:"))
    lines[weight_line - 1] = re.sub(r"weight:.*", "weight: 99", lines[weight_line - 1])
    bad = validate_pack_text("\n".join(lines) + "\n", original, others)
    assert not bad.ok
    assert any(p.line == weight_line and "out of range" in p.message for p in bad.problems)
    assert all(p.file == "beth-bureaucrat.yaml" for p in bad.problems)
    broken = validate_pack_text("id: beth-bureaucrat\ncues: [\n", original, others)
    assert broken.problems and "invalid YAML" in broken.problems[0].message
    assert original.read_text(encoding="utf-8") == text


def test_parse_problem() -> None:
    p = parse_problem("/x/y.yaml:12: weight 9 is out of range")
    assert (p.file, p.line, p.message) == ("/x/y.yaml", 12, "weight 9 is out of range")
    assert parse_problem("no line here").line == 0


# -- sources not read ----------------------------------------------------------------------------

def test_failures_are_counted_grouped_and_worded_for_the_app() -> None:
    from audit.ui.failures import in_app_words, summarise_failures

    refused = ("refused: a loopback address ({ip}); pass --allow-private to audit internal sites")
    errors = [{"source": f"http://127.0.0.{i}/", "error": refused.format(ip=f"127.0.0.{i}"),
               "kind": "failed"} for i in (1, 2)]
    errors += [{"source": "https://a.example/gone", "error": "HTTP 404 Not Found", "kind": "failed"},
               {"source": "https://a.example/x.pdf", "error": "not HTML (application/pdf), skipped",
                "kind": "skipped"}]
    got = summarise_failures(errors)
    assert (got.failed, got.skipped, got.total) == (3, 1, 4)
    assert got.short() == "3 could not be read, 1 skipped"
    reason, count = got.reasons[0]
    assert count == 2 and "--allow-private" not in reason
    assert "“Allow internal / local addresses” on the Run page" in reason
    sentence = got.sentence()
    assert sentence.startswith("4 sources were not read: 2 × refused: a loopback address; tick")
    assert "1 × HTTP 404 Not Found" in sentence
    exposed = in_app_words(errors[0]["error"], allow_private=False)
    assert "--allow-private-from-app" in exposed and "pass --allow-private " not in exposed
    assert summarise_failures([]).short() == "every source read" and summarise_failures([]).sentence() == ""
