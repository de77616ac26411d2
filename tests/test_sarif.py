"""SARIF regions point at the phrase in the original file, as a user runs `check -f sarif`:
never at text the reader skips (comments, other headers), across markup, with UTF-16 columns
declared, a valid URI for stdin, and no region rather than a wrong one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DEMO_RULE = "beth-bureaucrat/sales-led-buying"


def sarif_of(args: list[str], env: dict[str, str], cwd: Path, stdin: bytes | None = None
             ) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "audit", "check", *args, "-f", "sarif"],
                          input=stdin, capture_output=True, env=env, cwd=cwd)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout.decode("utf-8"))


def demo_locations(sarif: dict[str, Any]) -> list[dict[str, Any]]:
    """physicalLocation of each "request a demo" result, in order, with its section."""
    out = []
    for res in sarif["runs"][0]["results"]:
        if res["ruleId"] == DEMO_RULE:
            loc = dict(res["locations"][0]["physicalLocation"])
            loc["section"] = res["properties"]["section"]
            out.append(loc)
    return out


def at(line: int, col: int, end_line: int, end_col: int, snippet: str) -> dict[str, Any]:
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col,
            "snippet": {"text": snippet}}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


# --- a) text the reader never analyses is not a location ---------------------------------

MARKDOWN = """# Bookkeeping for a shop of two

Send a bill from your phone while the kettle boils.

## Plans

One flat price, whatever you sell.

<!-- request a demo -->

[Request a demo](https://example.test/demo)
"""


def test_markdown_comment_is_skipped_for_the_link_below(tmp_path: Path,
                                                         cli_env: dict[str, str]) -> None:
    path = write(tmp_path, "plans.md", MARKDOWN)
    [loc] = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert loc["section"] == "cta"
    assert loc["region"] == at(11, 2, 11, 16, "Request a demo")


HTML_WITH_SKIPPED_COPY = """<!doctype html>
<html><head><title>Ledger</title>
<script>var label = "request a demo";</script></head>
<body>
<!-- REQUEST A DEMO -->
<div title="request a demo">Made for tiny teams.</div>
<p>Happy to walk you through it: request a demo.</p>
</body></html>
"""


def test_html_comment_script_and_attribute_are_skipped(tmp_path: Path,
                                                       cli_env: dict[str, str]) -> None:
    path = write(tmp_path, "page.html", HTML_WITH_SKIPPED_COPY)
    [loc] = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    # The snippet is the file's text (its case), not the phrase as the cue saw it.
    assert loc["region"] == at(7, 34, 7, 48, "request a demo")


HTML_HEAD = """<!doctype html>
<html><head><title>Request a demo | Tally</title>
<meta property="og:title" content="Request a demo | Tally">
<meta name="description" content="Sums for small shops. Request a demo or start free.">
<meta name="keywords" content="request a demo">
</head>
<body>
<h1>Request a demo</h1>
<input type="text" value="request a demo">
<input type="submit" value="Request a demo">
<img src="tally.png" alt="request a demo screen">
</body></html>
"""


def test_html_head_and_attributes_count_only_where_the_reader_reads_them(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    # og:title repeats the title and is not read again; keywords and a text field never are.
    path = write(tmp_path, "head.html", HTML_HEAD)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert [(loc["section"], loc["region"]) for loc in locs] == [
        ("title", at(2, 20, 2, 34, "Request a demo")),
        ("meta", at(4, 57, 4, 71, "Request a demo")),
        ("headline", at(8, 5, 8, 19, "Request a demo")),
        ("cta", at(10, 29, 10, 43, "Request a demo")),
        ("alt", at(11, 27, 11, 41, "request a demo")),
    ]


def test_each_occurrence_gets_its_own_place_negated_ones_included(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    # The first mention is negated (not a finding) but still takes the first place in the file;
    # the third runs over a line break.
    text = ("Invoices between errands\n\nNo need to request a demo first. Later you can "
            "Request a demo anyway.\n\nOr request\na demo by phone.\n")
    path = write(tmp_path, "draft.txt", text)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert [loc["region"] for loc in locs] == [
        at(3, 48, 3, 62, "Request a demo"),
        at(5, 4, 6, 7, "request\na demo"),
    ]


# --- b) email: an encoded subject is not a body line ------------------------------------

EMAIL_ENCODED_SUBJECT = (
    "From: crew@example.test\n"
    "To: owner@example.test\n"
    "Subject: =?utf-8?q?Request_a_demo_this_week?=\n"
    "Date: Tue, 4 Jun 2024 09:30:00 +0000\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Morning!\n"
    "\n"
    "Pour a coffee and request a demo of the new ledger.\n"
)


def test_encoded_subject_points_at_the_subject_header(tmp_path: Path,
                                                      cli_env: dict[str, str]) -> None:
    path = write(tmp_path, "weekly.eml", EMAIL_ENCODED_SUBJECT)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    by_section = {loc["section"]: loc["region"] for loc in locs}
    assert set(by_section) == {"subject", "body"}
    assert by_section["subject"] == {"startLine": 3, "endLine": 3, "snippet": {
        "text": "Subject: =?utf-8?q?Request_a_demo_this_week?="}}
    assert by_section["body"] == at(10, 19, 10, 33, "request a demo")


EMAIL_PLAIN_SUBJECT_HTML_BODY = (
    "From: crew@example.test\n"
    "To: owner@example.test\n"
    "Subject: Request a demo, or just try it\n"
    "Date: Tue, 4 Jun 2024 09:30:00 +0000\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/alternative; boundary="cut-here"\n'
    "\n"
    "--cut-here\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Text version: request a demo here.\n"
    "\n"
    "--cut-here\n"
    "Content-Type: text/html; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "<html><head><title>request a demo</title></head>\n"
    "<body><!-- request a demo --><p style=3D\"margin:0\">Reply to request a=\n"
    " demo whenever suits.</p></body></html>\n"
    "\n"
    "--cut-here--\n"
)


def test_subject_columns_and_the_html_part_the_reader_used(tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    path = write(tmp_path, "alt.eml", EMAIL_PLAIN_SUBJECT_HTML_BODY)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert [(loc["section"], loc["region"]) for loc in locs] == [
        ("subject", at(3, 10, 3, 24, "Request a demo")),
        # not the plain-text alternative, the HTML head (unread in emails) or the comment;
        # across a soft line break
        ("preheader", at(18, 61, 19, 6, "request a=\n demo")),
    ]


def test_an_email_saved_as_txt_is_located_like_an_eml(tmp_path: Path,
                                                       cli_env: dict[str, str]) -> None:
    """check reads a .txt that opens with mail headers as an email; SARIF locates its cues
    the same way, not in the HTML head or the plain-text alternative."""
    path = write(tmp_path, "alt.txt", EMAIL_PLAIN_SUBJECT_HTML_BODY)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert [(loc["section"], loc["region"]) for loc in locs] == [
        ("subject", at(3, 10, 3, 24, "Request a demo")),
        ("preheader", at(18, 61, 19, 6, "request a=\n demo")),
    ]


def test_base64_body_gets_no_region_rather_than_the_subject_line(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    text = (
        "From: crew@example.test\n"
        "Subject: Request a demo\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "UGxlYXNlIHJlcXVlc3QgYSBkZW1vIHRvZGF5Lgo=\n"  # "Please request a demo today."
    )
    path = write(tmp_path, "b64.eml", text)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    by_section = {loc["section"]: loc for loc in locs}
    assert by_section["subject"]["region"] == at(2, 10, 2, 24, "Request a demo")
    body = next(loc for loc in locs if loc["section"] != "subject")
    assert "region" not in body
    assert body["artifactLocation"]["uri"].endswith("b64.eml")


# --- c) columns in UTF-16 code units, declared on the run ---------------------------------

def test_columns_are_utf16_code_units_and_declared(tmp_path: Path,
                                                   cli_env: dict[str, str]) -> None:
    path = write(tmp_path, "rocket.txt", "Faster books\n\n🚀 Request a demo, café owners.\n")
    sarif = sarif_of([str(path)], cli_env, tmp_path)
    assert sarif["runs"][0]["columnKind"] == "utf16CodeUnits"
    [loc] = demo_locations(sarif)
    # U+1F680 is two UTF-16 code units: the phrase starts in column 4, not 3.
    assert loc["region"] == at(3, 4, 3, 18, "Request a demo")


# --- d) valid URI references --------------------------------------------------------------

#: RFC 3986 URI-reference characters (no spaces, no "<", ">", "%" only as an escape).
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$")


def test_stdin_uri_is_a_valid_reference(tmp_path: Path, cli_env: dict[str, str]) -> None:
    sarif = sarif_of(["-", "--channel", "ad"], cli_env, tmp_path,
                     stdin=b"Request a demo with our team.\n")
    [loc] = demo_locations(sarif)
    assert loc["artifactLocation"]["uri"] == "stdin"
    assert URI_REFERENCE.match(loc["artifactLocation"]["uri"])
    assert loc["artifactLocation"]["description"]["text"]
    assert "region" not in loc


def test_file_names_are_percent_encoded(tmp_path: Path, cli_env: dict[str, str]) -> None:
    folder = tmp_path / "spring copy"
    folder.mkdir()
    path = write(folder, "draft #2.txt", "Quick setup\n\nRequest a demo with our team.\n")
    [loc] = demo_locations(sarif_of([str(path.relative_to(tmp_path))], cli_env, tmp_path))
    assert loc["artifactLocation"]["uri"] == "spring%20copy/draft%20%232.txt"
    assert loc["region"] == at(3, 1, 3, 15, "Request a demo")


# --- e) phrases split by markup -----------------------------------------------------------

def test_phrase_across_tags_is_found(tmp_path: Path, cli_env: dict[str, str]) -> None:
    html = ("<!doctype html>\n<html><body>\n<h1>Ledgers for tiny teams</h1>\n"
            "<p>Go on, <b>request</b> a demo before you pay.</p>\n</body></html>\n")
    path = write(tmp_path, "bold.html", html)
    [loc] = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert loc["region"] == at(4, 14, 4, 32, "request</b> a demo")


@pytest.mark.parametrize("encoded", ["re&#113;uest a demo", "re<span>q</span>uest a demo"])
def test_an_occurrence_not_found_gets_no_region_not_another_ones(
        tmp_path: Path, cli_env: dict[str, str], encoded: str) -> None:
    html = ("<!doctype html>\n<html><body>\n<p>Request a demo today.</p>\n"
            f"<p>Or {encoded} later.</p>\n</body></html>\n")
    path = write(tmp_path, "twice.html", html)
    locs = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert len(locs) == 2
    assert locs[0]["region"] == at(3, 4, 3, 18, "Request a demo")
    assert "region" not in locs[1]


# --- f) repositories: URIs relative to the working directory, URLs never as files ----------

def test_absolute_paths_inside_the_working_directory_become_relative(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "site").mkdir()
    path = write(tmp_path / "site", "plans.txt", "Quick setup\n\nRequest a demo with our team.\n")
    [loc] = demo_locations(sarif_of([str(path)], cli_env, tmp_path))
    assert loc["artifactLocation"] == {"uri": "site/plans.txt"}


def test_files_outside_the_working_directory_get_file_uris(tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    (tmp_path / "work").mkdir()
    path = write(tmp_path, "draft one.txt", "Quick setup\n\nRequest a demo with our team.\n")
    [loc] = demo_locations(sarif_of([str(path)], cli_env, tmp_path / "work"))
    uri = loc["artifactLocation"]["uri"]
    assert uri == "file://" + str(tmp_path).replace(" ", "%20") + "/draft%20one.txt"
    assert "uriBaseId" not in loc["artifactLocation"]


@pytest.mark.skipif(sys.platform == "win32", reason="a backslash is a separator there")
def test_backslashes_in_file_names_are_kept(tmp_path: Path, cli_env: dict[str, str]) -> None:
    write(tmp_path, "q3\\launch.txt", "Quick setup\n\nRequest a demo with our team.\n")
    [loc] = demo_locations(sarif_of(["q3\\launch.txt"], cli_env, tmp_path))
    assert loc["artifactLocation"]["uri"] == "q3%5Claunch.txt"


def test_crawled_pages_are_urls_not_repository_files() -> None:
    from audit.report.sarif import build_sarif

    ev = {"persona": "beth-bureaucrat", "group": "sales-led-buying", "text": "Request a demo",
          "section": "cta", "start": 0, "end": 14, "weight": 0.5, "negated": False,
          "suggest": ["start free"], "kind": "cue"}
    report = {"run": {"personas": [{"id": "beth-bureaucrat", "name": "Beth",
                                    "kind": "anti-persona"}]},
              "pieces": [{"source": "https://shop.example/pricing?plan=team", "evidence": [ev],
                          "verdict": {"label": "wrong-audience"}}]}
    [result] = build_sarif(report, {})["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "https://shop.example/pricing?plan=team"}}


def test_curly_apostrophes_in_the_file_are_found(tmp_path: Path, cli_env: dict[str, str]) -> None:
    text = "# Books for small shops\n\nWe\u2019ll brief your organization\u2019s stakeholders.\n"
    write(tmp_path, "brief.md", text)
    sarif = sarif_of(["brief.md"], cli_env, tmp_path)
    [res] = [r for r in sarif["runs"][0]["results"] if "stakeholders" in r["message"]["text"]]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == at(3, 13, 3, 45, "your organization\u2019s stakeholders")


def test_a_templates_placeholders_are_not_findings(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """CI on a folder of email templates: placeholders are filled when sent, so neither SARIF
    nor rdjson reports them; a leak in finished copy still is a finding."""
    template = write(tmp_path, "reminder.txt",
                     "Hi {first_name}, your {product} waits for you at {store}.\n")
    leaked = write(tmp_path, "sent.txt", "Hi {{first_name}}, thanks for your order!\n")
    rules = [r["ruleId"] for r in sarif_of([str(template), str(leaked)], cli_env, tmp_path)
             ["runs"][0]["results"]]
    assert rules == ["over-personalization/merge-tag-leaks"]  # the sent one only
    proc = subprocess.run([sys.executable, "-m", "audit", "check", str(template), "-f", "rdjson"],
                          capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "merge-tag-leaks" not in proc.stdout
