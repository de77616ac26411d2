"""Emails: MIME structure, encodings, preheaders, CTAs, folders and mboxes with bad messages."""

from __future__ import annotations

import base64
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


def test_message_with_only_headers_is_refused_like_an_empty_file() -> None:
    """A subject with no body is not an email's copy (an empty .txt is refused too); a body
    lost to its MIME boundary is a warning instead (see test_warnings)."""
    with pytest.raises(InputError, match=r"^s\.eml: no readable body: the email has headers only"):
        eml_to_piece(b"From: a@b.example\nSubject: Only a subject\n\n", "s.eml")


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


# --- headers as mail clients show them ---------------------------------------------------


def mail(subject: bytes, body: bytes = b"Hello there, freelancer.\n",
         ctype: bytes = b"text/plain; charset=utf-8") -> Piece:
    data = (b"From: Mara <hello@tallyfox.example>\nSubject: " + subject +
            b"\nMIME-Version: 1.0\nContent-Type: " + ctype + b"\n\n" + body)
    return eml_to_piece(data, "h.eml")


@pytest.mark.parametrize(("raw", "ctype", "expected"), [
    ("Frische Brötchen für Frühaufsteher".encode("cp1252"), b"text/plain; charset=iso-8859-1",
     "Frische Brötchen für Frühaufsteher"),
    ("Frische Brötchen – “heute”".encode("cp1252"), b"text/plain", "Frische Brötchen – “heute”"),
    ("Grüße aus Köln".encode(), b"text/plain; charset=koi8-r", "Grüße aus Köln"),
    ("Скидки до пятницы".encode("koi8-r"), b"text/plain; charset=koi8-r", "Скидки до пятницы"),
])
def test_raw_8bit_subjects_read_as_mail_clients_do(raw: bytes, ctype: bytes,
                                                   expected: str) -> None:
    piece = mail(raw, ctype=ctype)
    assert texts(piece, "subject") == [expected]


@pytest.mark.parametrize(("subject", "expected"), [
    (b"=?gb2312?B?" + base64.b64encode("朱镕基的新店".encode("gbk")) + b"?=",
     "朱镕基的新店"),
    (b"=?ks_c_5601-1987?B?" + base64.b64encode("똠방각하 할인".encode("cp949"))
     + b"?=", "똠방각하 할인"),
    (b"=?iso-8859-1?Q?=93Simple=94_invoices?=", "“Simple” invoices"),
    (b"=?utf-8?B?8J+Q?= =?utf-8?B?uyBuZXc=?=", "🐻 new"),  # one character split over two words
    (b"Gr=?utf-8?Q?=C3=BC=C3=9Fe?= aus K\xc3\xb6ln", "Grüße aus Köln"),
])
def test_encoded_subjects_use_the_charset_clients_use(subject: bytes, expected: str) -> None:
    assert texts(mail(subject), "subject") == [expected]


# --- mail chrome in other languages ------------------------------------------------------


@pytest.mark.parametrize("web", ["Im Browser ansehen", "Voir dans le navigateur",
                                 "Ver en el navegador", "Diese E-Mail im Browser anzeigen",
                                 "Visualizza nel browser", "View online"])
def test_view_in_browser_lines_in_other_languages_are_not_the_preheader(web: str) -> None:
    body = f"{web}\n\nNeue Rechnungsvorlagen für kleine Läden.\n\nJetzt kostenlos testen.\n"
    piece = mail(b"Neu", body=body.encode())
    assert texts(piece, "header") == [web]
    assert texts(piece, "preheader") == ["Neue Rechnungsvorlagen für kleine Läden."]


@pytest.mark.parametrize("footer", [
    "Sie möchten keine Newsletter mehr? Hier abmelden.",
    "Pour ne plus recevoir nos e-mails, vous pouvez vous désabonner.",
    "Si no quieres recibir más correos, puedes darte de baja aquí.",
    "Manage preferences | Privacy",
    "You are receiving this because you signed up on our website.",
])
def test_unsubscribe_footers_in_other_wordings_stay_out_of_the_body(footer: str) -> None:
    body = f"Hallo Sam,\n\nUnsere Preise bleiben klein.\n\n{footer}\n"
    piece = mail(b"Neu", body=body.encode())
    assert texts(piece, "footer") == [footer]
    assert footer not in texts(piece, "body")


def test_chrome_wordings_are_data() -> None:
    from audit.sources.mailchrome import DATA_FILE, mail_chrome

    assert DATA_FILE.name == "email.yaml" and DATA_FILE.parent.name == "data"
    chrome = mail_chrome()
    assert chrome.is_footer("Newsletter abbestellen") and not chrome.is_footer("Start free")
    assert not chrome.is_web_version("Our app works in any browser, " + "and it is fast. " * 20)


def test_email_body_with_one_stray_byte_stays_utf8() -> None:
    text = "Здравствуйте! Новая коллекция уже в магазине, доставка бесплатно."
    raw = text.encode()
    cut = raw.index(b" ", 40)
    piece = mail(b"News", body=raw[:cut] + b"\xfe" + raw[cut:] + b"\n")
    assert texts(piece, "preheader") == [text[:text.index(" ", 22)] + "\ufffd" +
                                         text[text.index(" ", 22):]]


# --- bodies lost to MIME boundaries ------------------------------------------------------

MULTI = b"""From: hello@tallyfox.example
Subject: Boundaries
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="declared-one"

"""


def test_a_body_under_another_boundary_is_read_with_a_warning() -> None:
    data = MULTI + (b"--used-one\nContent-Type: text/plain; charset=utf-8\n\n"
                    b"Start free, no card needed.\n--used-one--\n")
    piece = eml_to_piece(data, "b.eml")
    assert texts(piece, "preheader") == ["Start free, no card needed."]
    assert piece.meta["warnings"] == [
        "the MIME boundary the message declares (declared-one) never appears; its parts were "
        "read by the boundary the body uses (used-one)"]


def test_a_multipart_without_parts_warns_that_the_body_is_lost() -> None:
    piece = eml_to_piece(MULTI + b"Nothing here is a MIME part.\n", "b.eml")
    assert [s.role for s in piece.sections] == ["subject"]
    assert piece.meta["warnings"] == [
        "body not read: the message is multipart but no part was found (its MIME boundary "
        "never appears); only the subject is audited"]


def test_a_missing_closing_boundary_warns() -> None:
    data = MULTI + (b"--declared-one\nContent-Type: text/plain\n\nStart free today.\n\n"
                    b"Forwarded notes that were never meant to be copy.\n")
    piece = eml_to_piece(data, "b.eml")
    assert texts(piece, "preheader") == ["Start free today."]
    assert piece.meta["warnings"] == [
        "the closing MIME boundary is missing: the body may be cut short or carry text that "
        "is not part of the email"]
    assert "warnings" not in load("welcome_multipart.eml").meta


def test_an_unquoted_from_line_in_a_body_does_not_split_the_message(tmp_path: Path) -> None:
    box = tmp_path / "letters.mbox"
    box.write_bytes(
        b"From ann@bakery.example Tue Mar  4 09:12:00 2025\n"
        b"From: Ann <ann@bakery.example>\nSubject: Spring menu\n\n"
        b"Our rye is back this week.\n"
        b"From my side: thank you for ordering every Friday.\n\n"
        b"From ann@bakery.example Wed Mar  5 09:12:00 2025\n"
        b"From: Ann <ann@bakery.example>\nSubject: Opening hours\n\n"
        b"We open at eight on Saturdays now.\n")
    items = list(iter_emails(box))
    assert [type(i).__name__ for i in items] == ["Piece", "Piece"], items
    first = items[0]
    assert isinstance(first, Piece)
    assert "From my side" in " ".join(s.text for s in first.sections)
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    [problem] = list(iter_emails(empty))
    assert isinstance(problem, InputProblem) and "no messages" in problem.error
