"""What `check`, `extract` and `audit` make of the inputs a new user gives them: folders reached
through dot paths, ad exports and mailboxes given to `check`, an email piped on stdin, an email
without a body, a folder of mixed files given to `audit`, empty documents given to `learn`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit import Config, Engine, FetchSettings, InputError, Store, run_audit
from audit.packs.learn import learn_pack, read_documents
from audit.sources.ads import read_ad_csv
from audit.sources.decode import decode_bytes
from audit.sources.emails import iter_emails, looks_like_email
from audit.sources.folders import audit_folder, walk_folder
from audit.sources.readers import expand_paths, piece_from_bytes, read_input

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
WELCOME = EXAMPLES / "drafts" / "welcome-email.eml"
DRAFT = "Invoices in two minutes\n\nStart free, no credit card, cancel anytime.\n"


def run(args: list[str], env: dict[str, str], cwd: Path, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "audit", *args], input=stdin, capture_output=True,
                          env={**env, "PYTHONPATH": str(ROOT)}, cwd=cwd, timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def _mbox(*messages: bytes) -> bytes:
    return b"".join(b"From sender@example.com Tue Mar  4 09:12:00 2025\n" + m + b"\n"
                    for m in messages)


# --- folders reached through a path with dot parts -------------------------------------------

@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """content/ with a draft, an email, a page and hidden files below it, and a sibling
    folder work/ to stand in."""
    content = tmp_path / ".github" / "content"
    (content / "sub").mkdir(parents=True)
    (content / ".git").mkdir()
    (content / "hero.md").write_text("# Start free\n\nNo credit card.\n", encoding="utf-8")
    (content / "sub" / "page.html").write_text("<html><body><h1>Start free</h1></body></html>",
                                               encoding="utf-8")
    shutil.copy(WELCOME, content / "sub" / "welcome.eml")
    (content / ".draft.md").write_text("# Hidden\n\nNot this one.\n", encoding="utf-8")
    (content / ".git" / "notes.txt").write_text("Not this either.\n", encoding="utf-8")
    shutil.copy(WELCOME, content / ".git" / "old.eml")
    (tmp_path / "work").mkdir()
    return content


@pytest.mark.parametrize(("cwd", "typed"), [("content/sub", ".."), ("work", "../.github/content"),
                                            (".", ".github/content"), ("content", ".")])
def test_a_folder_typed_with_dot_parts_is_walked(tree: Path, cwd: str, typed: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    base = tree.parent.parent
    monkeypatch.chdir(tree / cwd.removeprefix("content").lstrip("/") if cwd.startswith("content")
                      else base / cwd)
    found = list(expand_paths([typed]))
    assert [Path(p).name for p in found] == ["hero.md", "page.html", "welcome.eml"]
    assert typed == "." or all(str(p).startswith(typed) for p in found)  # named as typed


def test_walk_folder_skips_only_what_is_hidden_below_the_folder(tree: Path) -> None:
    relative = os.path.relpath(tree, Path.cwd())
    for folder in (tree, Path(relative), tree / "sub" / ".."):
        assert [p.name for p in walk_folder(folder).files] == ["hero.md", "page.html",
                                                               "welcome.eml"]


def test_emails_and_audit_folders_are_walked_the_same_way(tree: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent.parent / "work")
    typed = Path("../.github/content")
    assert [p.source for p in iter_emails(typed)] == [str(typed / "sub" / "welcome.eml")]
    found = audit_folder(typed)
    assert [p.name for p in found.emails] == ["welcome.eml"]
    assert [p.name for p in found.html] == ["page.html"]


def test_learn_reads_a_folder_typed_with_dot_parts(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    side = tmp_path / ".notes" / "refunds"
    (side / ".trash").mkdir(parents=True)
    (side / "a.txt").write_text("I want a refund.", encoding="utf-8")
    (side / ".trash" / "b.txt").write_text("Hidden.", encoding="utf-8")
    monkeypatch.chdir(side)
    assert read_documents(Path(".")) == ["I want a refund."]
    assert read_documents(Path("../refunds")) == ["I want a refund."]


def test_cli_check_of_the_parent_folder(tree: Path, cli_env: dict[str, str]) -> None:
    r = run(["check", "..", "-f", "json"], cli_env, tree / "sub")
    assert r.returncode == 0, r.stderr
    sources = sorted(Path(p["source"]).name for p in json.loads(r.stdout)["pieces"])
    assert sources == ["hero.md", "page.html", "welcome.eml"]


# --- what audit reads, given to check ---------------------------------------------------------

@pytest.mark.parametrize(("name", "layout"), [("google-ads.csv", "Google Ads"),
                                              ("meta-ads.csv", "Meta Ads Manager")])
def test_an_ad_export_given_to_check_is_sent_to_audit(name: str, layout: str) -> None:
    with pytest.raises(InputError) as err:
        read_input(EXAMPLES / "ads" / name)
    assert f"an ad export ({layout} layout)" in err.value.message
    assert f"antipersona audit {EXAMPLES / 'ads' / name}" in err.value.message


def test_a_url_list_given_to_check_is_sent_to_audit() -> None:
    with pytest.raises(InputError, match=r"a URL list, not a draft.*antipersona audit"):
        read_input(EXAMPLES / "urls.csv")


def test_a_text_file_of_urls_given_to_check_is_sent_to_audit(tmp_path: Path) -> None:
    urls = tmp_path / "pages.txt"
    urls.write_text("# our pages\nhttps://example.test/pricing\n\nhttps://example.test/team\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"a URL list, not a draft.*antipersona audit"):
        read_input(urls)
    draft = tmp_path / "draft.txt"
    draft.write_text("See https://example.test/pricing for our plans.\nhttps://example.test/a\n",
                     encoding="utf-8")
    assert read_input(draft).sections
    one = tmp_path / "one.txt"
    one.write_text("https://example.test/pricing\n", encoding="utf-8")
    assert read_input(one).sections  # one link alone may be a pasted draft's only line


def test_a_url_list_among_other_files_is_skipped_with_a_warning(tmp_path: Path,
                                                                engine: Engine) -> None:
    """A content repository keeps its URL list beside its pages: checking the folder (or the
    files a pull request changed) skips it with a warning; checked alone it is still an error."""
    from audit.runs.check import check_inputs

    (tmp_path / "urls.txt").write_text("https://example.test/a\nhttps://example.test/b\n",
                                       encoding="utf-8")
    (tmp_path / "page.md").write_text("Start free today. Cancel anytime.\n", encoding="utf-8")
    for args in ([str(tmp_path)], [str(tmp_path / "page.md"), str(tmp_path / "urls.txt")]):
        outcome = check_inputs(args, engine.config, engine=engine)
        assert not outcome.errors
        assert [p["source"] for p in outcome.report["pieces"]] == [str(tmp_path / "page.md")]
        (warning,) = outcome.report["warnings"]
        assert warning["source"] == str(tmp_path / "urls.txt")
        assert warning["warning"].startswith("skipped: a URL list, not a draft")
    alone = check_inputs([str(tmp_path / "urls.txt")], engine.config, engine=engine)
    assert [e.source for e in alone.errors] == [str(tmp_path / "urls.txt")]


def test_any_other_csv_is_still_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "taglines.csv"
    path.write_text("tagline,owner\nStart free today,ann\n", encoding="utf-8")
    piece = read_input(path)
    assert "Start free today" in " ".join(s.text for s in piece.sections)


def test_a_mailbox_of_several_messages_is_sent_to_audit(tmp_path: Path) -> None:
    box = tmp_path / "camp.mbox"
    box.write_bytes(_mbox(WELCOME.read_bytes(), WELCOME.read_bytes()))
    with pytest.raises(InputError) as err:
        read_input(box)
    assert err.value.source == str(box)
    assert "a mailbox of 2 messages" in err.value.message
    assert f"antipersona audit {box}" in err.value.message
    with pytest.raises(InputError, match=r"mailbox of 2 messages.*save it to a file"):
        piece_from_bytes(box.read_bytes(), "<stdin>", channel=None)
    named_txt = tmp_path / "camp.txt"
    named_txt.write_bytes(box.read_bytes())
    with pytest.raises(InputError, match="a mailbox of 2 messages"):
        read_input(named_txt)


def test_a_mailbox_of_one_message_is_read_as_that_email(tmp_path: Path) -> None:
    box = tmp_path / "one.mbox"
    box.write_bytes(_mbox(WELCOME.read_bytes()))
    piece = read_input(box)
    assert piece.channel == "email"
    assert piece.sections == read_input(WELCOME).sections
    assert not any("Content-Type" in s.text or "MIME-Version" in s.text for s in piece.sections)


# --- an email on stdin -------------------------------------------------------------------------

def test_an_email_on_stdin_is_read_as_the_eml_reader_reads_it() -> None:
    by_name = read_input(WELCOME)
    piped = piece_from_bytes(WELCOME.read_bytes(), "<stdin>", channel=None)
    assert piped.channel == "email"
    assert piped.sections == by_name.sections
    assert piped.title == by_name.title


@pytest.mark.parametrize(("text", "expected"), [
    (b"From: a@b.test\nTo: c@d.test\nSubject: Hi\n\nBody.\n", True),
    (b"\r\nMIME-Version: 1.0\r\nSubject: Hi\r\nContent-Type: text/plain;\r\n charset=utf-8\r\n"
     b"\r\nBody.\r\n", True),
    (b"Subject: Spring sale\n\nHi there, every code stacks.\n", False),  # a pasted draft
    (b"Subject: Spring sale\nPreheader: This week only\n\nHi there.\n", False),
    (b"Note: read me\nTodo: later\n\nText.\n", False),  # header-shaped, not mail headers
    (b"From: a@b.test\nTo: c@d.test\nHi there, this is the copy.\n", False),
    (b"Invoices in two minutes\n\nFrom: us\n", False),
])
def test_email_sniffing(text: bytes, expected: bool) -> None:
    assert looks_like_email(text) is expected


def test_a_draft_that_starts_with_subject_stays_a_draft() -> None:
    piece = piece_from_bytes(b"Subject: Spring sale\n\nHi there, every code stacks.\n",
                             "<stdin>", channel=None)
    assert piece.channel == "draft"


def test_cli_reads_an_email_on_stdin_as_by_name(tmp_path: Path, cli_env: dict[str, str]) -> None:
    by_name = run(["check", str(WELCOME), "-f", "json"], cli_env, tmp_path)
    piped = run(["check", "-", "-f", "json"], cli_env, tmp_path, stdin=WELCOME.read_bytes())
    assert by_name.returncode == piped.returncode == 0, piped.stderr
    a, b = (json.loads(r.stdout)["pieces"][0] for r in (by_name, piped))
    assert (b["channel"], b["words"]) == (a["channel"], a["words"]) == ("email", a["words"])


# --- an email with no body ---------------------------------------------------------------------

@pytest.mark.parametrize(("data", "why"), [
    (b"From: a@b.test\nTo: c@d.test\nSubject: Hi\n", "headers only"),
    (b"From: a@b.test\nSubject: Hi\n\n\n  \n", "headers only"),
    (b"From: a@b.test\nSubject: Hi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
     b"boundary=\"b\"\n\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
     b"filename=\"x.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n",
     "no text or HTML part"),
])
def test_an_email_without_a_body_is_refused_like_an_empty_file(tmp_path: Path, data: bytes,
                                                               why: str) -> None:
    path = tmp_path / "nobody.eml"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_input(path)
    assert err.value.source == str(path)
    assert "no readable body" in err.value.message and why in err.value.message


def test_a_bodiless_message_in_a_mailbox_is_one_problem(tmp_path: Path) -> None:
    box = tmp_path / "box.mbox"
    box.write_bytes(_mbox(b"From: a@b.test\nSubject: Empty\n", WELCOME.read_bytes()))
    first, second = iter_emails(box)
    assert not hasattr(first, "sections") and "no readable body" in first.error  # type: ignore[union-attr]
    assert first.source == f"{box}:message 1"  # type: ignore[union-attr]
    assert second.channel == "email"  # type: ignore[union-attr]


def test_cli_bodiless_email_exits_2_alone_and_the_batch_carries_on(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "nobody.eml").write_text("From: a@b.test\nTo: c@d.test\n", encoding="utf-8")
    (tmp_path / "draft.txt").write_text(DRAFT, encoding="utf-8")
    alone = run(["check", "nobody.eml"], cli_env, tmp_path)
    assert alone.returncode == 2 and alone.stdout == ""
    assert alone.stderr.strip() == ("antipersona: nobody.eml: no readable body: the email has "
                                    "headers only, nothing to check")
    both = run(["check", "nobody.eml", "draft.txt", "-f", "json"], cli_env, tmp_path)
    report = json.loads(both.stdout)
    assert [p["source"] for p in report["pieces"]] == ["draft.txt"]
    assert [e["source"] for e in report["errors"]] == ["nobody.eml"]
    assert "Traceback" not in both.stderr


# --- audit of a folder of mixed files -----------------------------------------------------------

def _mixed(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(WELCOME, folder / "welcome.eml")
    shutil.copy(EXAMPLES / "drafts" / "pricing-page.html", folder / "pricing.html")
    shutil.copy(EXAMPLES / "ads" / "google-ads.csv", folder / "google-ads.csv")
    for name in ("hero.md", "launch.mdx", "ad.txt"):
        (folder / name).write_text(DRAFT, encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_audit_folder_names_what_it_leaves_out(tmp_path: Path) -> None:
    found = audit_folder(_mixed(tmp_path / "mix"))
    assert [p.name for p in found.emails] == ["welcome.eml"]
    assert [p.name for p in found.html] == ["pricing.html"]
    assert found.problem is None
    assert found.skipped is not None
    assert found.skipped.startswith("not audited: 1 .csv, 1 .md, 1 .mdx and 1 .txt files")
    assert "antipersona check" in found.skipped and "antipersona audit FILE" in found.skipped
    assert ".png" not in found.skipped


def test_audit_folder_without_emails_or_pages_says_what_it_holds(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "hero.md").write_text(DRAFT, encoding="utf-8")
    found = audit_folder(folder)
    assert found.problem is not None
    assert found.problem.startswith("folder has no .eml, .mbox or .html files (it holds 1 .md "
                                    "file: check drafts with `antipersona check")
    assert found.skipped is None


def test_an_audit_of_a_mixed_folder_counts_the_rest_as_skipped(tmp_path: Path,
                                                               engine: Engine) -> None:
    folder = _mixed(tmp_path / "mix")
    run_id = run_audit([str(folder)], db=tmp_path / "m.db", config=Config(),
                       fetch=FetchSettings(delay=0), engine=engine)
    with Store(tmp_path / "m.db") as store:
        assert len(store.pieces(run_id)) == 2
        [error] = store.errors(run_id)
    assert error["kind"] == "skipped" and error["source"] == str(folder)
    assert error["error"].startswith("not audited: 1 .csv, 1 .md, 1 .mdx and 1 .txt files")


def test_cli_audit_of_a_mixed_folder_says_so_and_exits_0(tmp_path: Path,
                                                         cli_env: dict[str, str]) -> None:
    _mixed(tmp_path / "mix")
    r = run(["audit", "mix", "--db", "a.db"], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "antipersona: mix: not audited: 1 .csv, 1 .md, 1 .mdx and 1 .txt files" in r.stderr
    assert "2 pieces analysed, 0 failed, 1 skipped" in r.stderr


# --- a CSV that is neither a URL list nor an ad export ------------------------------------------

def test_a_csv_without_url_or_ad_columns_says_a_url_list_needs_a_url_column(
        tmp_path: Path) -> None:
    path = tmp_path / "wrongcol.csv"
    path.write_text("link,name\nhttps://x.test/,Home\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_ad_csv(path))
    message = err.value.message
    assert message.startswith("neither a URL list nor a known ad export")
    assert "A URL list needs a url column" in message
    assert "google: Headline 1..15" in message and message.endswith("Found: link, name")


def test_cli_audit_of_a_csv_with_the_wrong_columns(tmp_path: Path,
                                                   cli_env: dict[str, str]) -> None:
    (tmp_path / "wrongcol.csv").write_text("link,name\nhttps://x.test/,Home\n", encoding="utf-8")
    r = run(["audit", "wrongcol.csv", "--db", "a.db"], cli_env, tmp_path)
    assert r.returncode == 2
    assert "wrongcol.csv: neither a URL list nor a known ad export. A URL list needs a url " \
           "column" in r.stderr


# --- an empty response -------------------------------------------------------------------------

def test_an_empty_page_is_not_called_a_file() -> None:
    with pytest.raises(InputError, match=r"^https://x\.test/: empty page"):
        decode_bytes(b"", "https://x.test/")
    with pytest.raises(InputError, match=r"^draft\.txt: empty file$"):
        decode_bytes(b"", "draft.txt")


# --- learn: empty documents in a folder --------------------------------------------------------

def _side(folder: Path, texts: list[str]) -> Path:
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


REFUNDS = [f"I want a refund and a discount on the price, order {i}." for i in range(8)]
HAPPY = [f"Lovely tool, invoices sent in minutes, note {i}." for i in range(8)]


def test_learn_skips_empty_documents_with_a_warning(tmp_path: Path) -> None:
    anti = _side(tmp_path / "anti", REFUNDS)
    (anti / "empty.txt").write_text("", encoding="utf-8")
    (anti / "blank.md").write_text("  \n\n", encoding="utf-8")
    against = _side(tmp_path / "happy", HAPPY)
    _, proposal = learn_pack(anti, against, pack_id="refunders")
    assert proposal.n_anti == 8
    assert proposal.warnings[0] == f"{anti}: skipped 2 empty document(s): blank.md, empty.txt"
    assert any(t.term == "refund" for t in proposal.terms)


def test_learn_skips_a_file_it_cannot_read_and_reads_the_rest(tmp_path: Path) -> None:
    """One binary file in a folder of notes does not stop the run: it is named and skipped."""
    anti = _side(tmp_path / "anti", REFUNDS)
    (anti / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    _, proposal = learn_pack(anti, _side(tmp_path / "happy", HAPPY), pack_id="refunders")
    assert proposal.n_anti == 8
    assert proposal.warnings[0].startswith(f"{anti}: skipped 1 file(s) that could not be read: "
                                           "photo.txt (")


def test_learn_skips_records_with_empty_text(tmp_path: Path) -> None:
    anti = tmp_path / "anti.jsonl"
    anti.write_text("\n".join(json.dumps({"text": t}) for t in [*REFUNDS, "", "  "]),
                    encoding="utf-8")
    _, proposal = learn_pack(anti, _side(tmp_path / "happy", HAPPY), pack_id="refunders")
    assert proposal.n_anti == 8
    assert proposal.warnings[0] == (f"{anti}: skipped 2 empty document(s): anti.jsonl:9, "
                                    "anti.jsonl:10")


def test_cli_learn_goes_on_past_an_empty_document(tmp_path: Path,
                                                  cli_env: dict[str, str]) -> None:
    anti = _side(tmp_path / "anti", REFUNDS)
    (anti / "empty.txt").write_text("", encoding="utf-8")
    _side(tmp_path / "happy", HAPPY)
    r = run(["personas", "learn", "anti", "--against", "happy", "--id", "refunders", "-o",
             "refunders.yaml"], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "antipersona: warning: anti: skipped 1 empty document(s): empty.txt" in r.stderr
    assert "from 8 vs 8 documents" in r.stderr
    assert (tmp_path / "refunders.yaml").exists()


def test_audit_sends_a_csv_where_its_readers_can_read_it(tmp_path: Path) -> None:
    """The audit planner asks the URL-list reader which columns hold URLs: a plain "Final URL"
    or "Landing page" list goes to it, an ad export (with its own Final URL column) to the ad
    reader, and a "Page" column of paths to the ad reader, which says it is neither."""
    from audit.runs.planning import _csv_has_url_column

    final = tmp_path / "final.csv"
    final.write_text("Final URL,Owner\nhttps://x.test/pricing,ann\n", encoding="utf-8")
    landing = tmp_path / "landing.csv"
    landing.write_text("landing page\nhttps://x.test/\n", encoding="utf-8")
    paths = tmp_path / "paths.csv"
    paths.write_text("Page,Views\n/pricing,12\n", encoding="utf-8")
    assert _csv_has_url_column(final) and _csv_has_url_column(landing)
    assert not _csv_has_url_column(paths)
    assert not _csv_has_url_column(EXAMPLES / "ads" / "google-ads.csv")
