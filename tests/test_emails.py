"""Emails: MIME structure, encodings, preheaders, CTAs, folders and mboxes with bad messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit import InputError
from audit.models import InputProblem, Piece, Section
from audit.sources.emails import eml_to_piece, iter_emails

EMAILS = Path(__file__).parent / "fixtures" / "emails"


def load(name: str) -> Piece:
    return eml_to_piece((EMAILS / name).read_bytes(), name)


def texts(piece: Piece, role: str) -> list[str]:
    return [s.text for s in piece.sections if s.role == role]


def test_multipart_alternative_prefers_html_and_decodes_qp() -> None:
    piece = load("welcome_multipart.eml")
    assert piece.channel == "email"
    assert piece.sections[0].role == "subject"
    assert texts(piece, "headline") == ["Welcome aboard, Sam ✨"]  # only in the HTML part
    assert "Pick a client, add a line, press send. That’s it." in texts(piece, "body")


def test_rfc2047_subject_and_from() -> None:
    piece = load("welcome_multipart.eml")
    assert texts(piece, "subject") == ["Welcome to Tallyfox — invoices in two minutes ✨"]
    assert piece.title == "Welcome to Tallyfox — invoices in two minutes ✨"
    assert piece.meta["from"] == "Tallyfox — Mara <hello@tallyfox.example>"


def test_hidden_preheader_is_found_and_cleaned() -> None:
    piece = load("welcome_multipart.eml")
    assert piece.sections[1] == Section(
        "preheader", "Your first invoice is two minutes away — no call needed"
    )
    assert len(texts(piece, "preheader")) == 1


def test_html_email_ctas_and_chrome() -> None:
    piece = load("welcome_multipart.eml")
    # A link alone in a coloured cell and a link with a button class are both buttons.
    assert texts(piece, "cta") == ["Write my first invoice", "Read the 3-minute guide"]
    assert texts(piece, "header") == ["View this email in your browser"]
    assert texts(piece, "footer")[0].startswith("You are receiving this because")
    assert "Tallyfox weekly" not in piece.text  # the HTML <title> is not copy in an email


def test_meta_fields() -> None:
    piece = load("welcome_multipart.eml")
    assert piece.meta == {
        "from": "Tallyfox — Mara <hello@tallyfox.example>",
        "to": "Sam Rivers <sam@solo.example>",
        "message_id": "<welcome-0001@tallyfox.example>",
        "date": "2024-03-05T09:15:00+00:00",
        "list_id": "Tallyfox onboarding <onboarding.tallyfox.example>",
    }


def test_base64_latin1_body_class_preheader_and_styled_button() -> None:
    piece = load("digest_base64.eml")
    assert texts(piece, "subject") == ["Le récap du mois – café inclus"]
    assert texts(piece, "preheader") == ["Three small wins from freelancers this month"]
    assert texts(piece, "body") == [
        "René sends invoices from a café in Lyon. Here is how she stopped chasing payments."
    ]
    assert texts(piece, "cta") == ["Read René's story"]
    assert texts(piece, "footer") == ["Manage your email preferences or unsubscribe any time."]
    assert "list_id" not in piece.meta


def test_plain_only_email() -> None:
    piece = load("plain_only.eml")
    assert [s.role for s in piece.sections] == ["subject", "preheader", "body", "body", "footer"]
    assert texts(piece, "preheader") == ["Hi Sam,"]  # the first visible line
    assert texts(piece, "body")[0].startswith("I saw you send a newsletter every Friday.")
    assert "thanks for the tips" not in piece.text  # quoted reply dropped
    assert texts(piece, "footer") == [
        'Jo, founder of Pebblepost To stop these notes, reply "unsubscribe".'
    ]


def test_long_first_line_is_split_for_the_preview() -> None:
    body = ("This is a long opening sentence that goes on. " * 2 + "x" * 200).encode()
    data = b"From: a@b.example\nSubject: Hi\nContent-Type: text/plain\n\n" + body
    piece = eml_to_piece(data, "long.eml")
    assert texts(piece, "preheader") == ["This is a long opening sentence that goes on."]
    assert texts(piece, "body")[0].startswith("This is a long opening sentence that goes on. x")


def test_message_with_only_headers() -> None:
    piece = eml_to_piece(b"From: a@b.example\nSubject: Only a subject\n\n", "s.eml")
    assert [(s.role, s.text) for s in piece.sections] == [("subject", "Only a subject")]


def test_unknown_charset_in_a_part_still_reads() -> None:
    data = (b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=x-made-up\n\n"
            b"Hello there, freelancer.\n")
    assert texts(eml_to_piece(data, "c.eml"), "preheader") == ["Hello there, freelancer."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"%PDF-1.4 binary", "binary file (PDF), not text"),
        (b"Shopping list\n\n- eggs\n", "not an email: it does not start with mail headers"),
        (b"Colour: blue\nSize: large\n\nbody", "not an email: no From, To, Subject or Date"),
    ],
)
def test_not_an_email(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        eml_to_piece(data, "x.eml")
    assert err.value.source == "x.eml"
    assert err.value.message.startswith(message)


def test_mbox_with_a_broken_message() -> None:
    results = list(iter_emails(EMAILS / "newsletters.mbox"))
    assert len(results) == 3
    first, broken, third = results
    assert isinstance(first, Piece) and isinstance(third, Piece)
    assert first.source.endswith("newsletters.mbox:message 1")
    assert "From now on reminders go out on Mondays." in texts(first, "body")  # >From unquoted
    assert isinstance(broken, InputProblem)
    assert broken.source.endswith("newsletters.mbox:message 2")
    assert "not an email" in broken.error
    assert texts(third, "subject") == ["Write once, send every Friday"]
    assert texts(third, "cta") == ["Start writing"]
    assert first.id != third.id


def test_folder_is_recursive_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    shutil.copy(EMAILS / "plain_only.eml", tmp_path / "b" / "z.eml")
    shutil.copy(EMAILS / "digest_base64.eml", tmp_path / "a.EML")
    shutil.copy(EMAILS / "not_an_email.eml", tmp_path / "b" / "broken.eml")
    (tmp_path / "notes.txt").write_text("ignored")
    results = list(iter_emails(tmp_path))
    assert [Path(r.source).name for r in results] == ["a.EML", "broken.eml", "z.eml"]
    assert isinstance(results[1], InputProblem)
    assert isinstance(results[0], Piece) and isinstance(results[2], Piece)


def test_fixture_folder_mixes_eml_and_mbox() -> None:
    results = list(iter_emails(EMAILS))
    pieces = [r for r in results if isinstance(r, Piece)]
    problems = [r for r in results if isinstance(r, InputProblem)]
    assert len(pieces) == 5 and len(problems) == 2


def test_single_file_and_missing_path(tmp_path: Path) -> None:
    [piece] = list(iter_emails(EMAILS / "plain_only.eml"))
    assert isinstance(piece, Piece)
    with pytest.raises(InputError, match="no such file or folder"):
        list(iter_emails(tmp_path / "nope"))


def test_mbox_recognised_by_its_first_line(tmp_path: Path) -> None:
    box = tmp_path / "archive"
    shutil.copy(EMAILS / "newsletters.mbox", box)
    results = list(iter_emails(box))
    assert [type(r).__name__ for r in results] == ["Piece", "InputProblem", "Piece"]
    assert results[2].source == f"{box}:message 3"


def test_html_body_is_untrusted_text() -> None:
    data = (b"From: a@b.example\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n"
            b"<p>Use &lt;script&gt;alert(1)&lt;/script&gt; freely</p><script>alert(2)</script>"
            b"<img src=x onerror=alert(3)>")
    piece = eml_to_piece(data, "h.eml")
    assert texts(piece, "preheader") == ["Use <script>alert(1)</script> freely"]
    assert "alert(2)" not in piece.text and "alert(3)" not in piece.text
