"""Bytes -> text: the order of evidence and the refusals, on real fixture files."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from audit import InputError
from audit.sources.decode import decode_bytes, decode_bytes_info, looks_binary

PAGES = Path(__file__).parent / "fixtures" / "pages"


def test_utf8_plain_and_bom_stripped() -> None:
    assert decode_bytes("Grüße".encode(), "a.txt") == "Grüße"
    assert decode_bytes(codecs.BOM_UTF8 + "Grüße".encode(), "a.txt") == "Grüße"


def test_windows_1252_declared_only_in_meta() -> None:
    data = (PAGES / "cp1252_meta.html").read_bytes()
    info = decode_bytes_info(data, "cp1252_meta.html")
    assert info.how == "meta"
    assert info.encoding == "cp1252"
    assert "Facturé en deux minutes, payé à temps" in info.text
    assert "“Simple” is what our users say … and it costs €6 a month." in info.text


def test_wrong_header_charset_utf8_on_a_cp1252_page_falls_back_to_meta() -> None:
    data = (PAGES / "cp1252_meta.html").read_bytes()
    info = decode_bytes_info(data, "p", declared="utf-8")
    assert info.how == "meta"
    assert "payé" in info.text


def test_wrong_header_charset_latin1_on_a_utf8_page_reads_utf8() -> None:
    data = (PAGES / "no_charset.html").read_bytes()
    info = decode_bytes_info(data, "p", declared="ISO-8859-1")
    assert info.encoding == "utf-8"
    assert "Grüße aus Köln" in info.text


def test_declared_charset_used_when_valid() -> None:
    data = "Señor “quoted”".encode("cp1252")
    assert decode_bytes(data, "p", declared="windows-1252") == "Señor “quoted”"
    # Browsers read ISO-8859-1 labels as windows-1252: 0x93/0x94 are curly quotes.
    assert decode_bytes(data, "p", declared="iso-8859-1") == "Señor “quoted”"
    assert decode_bytes("Привет".encode("koi8-r"), "p", declared="KOI8-R") == "Привет"


def test_declared_utf16_on_ascii_compatible_bytes_is_a_mislabel() -> None:
    assert decode_bytes("<p>café</p>".encode(), "p", declared="utf-16") == "<p>café</p>"


def test_unknown_or_non_text_declared_charset_is_ignored() -> None:
    assert decode_bytes("naïve".encode(), "p", declared="x-no-such-charset") == "naïve"
    assert decode_bytes("naïve".encode(), "p", declared="base64") == "naïve"


def test_no_charset_at_all_utf8() -> None:
    info = decode_bytes_info((PAGES / "no_charset.html").read_bytes(), "p")
    assert info.how == "utf-8"
    assert "„Rechnung schreiben“" in info.text


def test_utf16_with_bom() -> None:
    info = decode_bytes_info((PAGES / "utf16_bom.html").read_bytes(), "p")
    assert info.how == "bom"
    assert "Plans that fit — naïvely simple" in info.text
    assert not info.text.startswith("\ufeff")


def test_bom_wins_over_a_wrong_declared_charset() -> None:
    data = codecs.BOM_UTF8 + "café".encode()
    assert decode_bytes(data, "p", declared="windows-1252") == "café"


def test_utf16_without_bom_is_recognised() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        data = "Invoice in two minutes — no call".encode(codec)
        assert not looks_binary(data)
        assert decode_bytes(data, "p") == "Invoice in two minutes — no call"


def test_meta_declaring_utf16_in_an_ascii_document_means_utf8() -> None:
    data = '<html><head><meta charset="utf-16"></head><body>café</body></html>'.encode()
    assert "café" in decode_bytes(data, "p")


def test_xml_declaration_is_honoured() -> None:
    data = '<?xml version="1.0" encoding="windows-1252"?><a>Zoë</a>'.encode("cp1252")
    assert decode_bytes(data, "s.xml").endswith("<a>Zoë</a>")


def test_undeclared_legacy_text_detected() -> None:
    assert decode_bytes("Café “quoted”".encode("cp1252"), "p") == "Café “quoted”"
    russian = "Привет, как дела? Это проверка текста на русском языке.".encode("cp1251")
    assert decode_bytes(russian, "p") == "Привет, как дела? Это проверка текста на русском языке."


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (gzip.compress(b"<html></html>", mtime=0), "gzip"),
    ],
    ids=["PDF", "PNG", "JPEG", "GIF", "ZIP", "gzip"],
)
def test_binary_formats_named(data: bytes, kind: str) -> None:
    assert looks_binary(data)
    with pytest.raises(InputError) as err:
        decode_bytes(data, "upload.bin")
    assert err.value.source == "upload.bin"
    assert err.value.message == f"binary file ({kind}), not text"


def test_nul_and_control_bytes_are_binary() -> None:
    blob = bytes(range(256)) * 4
    assert looks_binary(blob)
    with pytest.raises(InputError, match="binary file, not text"):
        decode_bytes(blob, "x")
    assert looks_binary(b"abc\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 20)
    assert not looks_binary(b"plain text\twith tabs\r\nand lines\x0c")


def test_empty_input() -> None:
    with pytest.raises(InputError, match="empty file"):
        decode_bytes(b"", "blank.html")


def test_undetectable_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    import audit.sources.decode as decode

    class _NoGuess:
        def best(self) -> None:
            return None

    monkeypatch.setattr(decode, "_plausible_cp1252", lambda data: False)
    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: _NoGuess())
    with pytest.raises(InputError, match="could not detect the text encoding"):
        decode_bytes(b"\xc3\x28 not utf-8 \xa0\xa1", "odd.txt")


@pytest.mark.parametrize("text", [
    "Здравствуйте! Новая коллекция уже в магазине: скидки для постоянных клиентов "
    "и бесплатная доставка до пятницы. Спасибо, что читаете нашу рассылку.",
    "Frische Grüße aus Köln! Unsere neue Kollektion ist da: größere Auswahl, "
    "schnellere Lieferung und faire Preise für kleine Läden.",
])
@pytest.mark.parametrize("declared", [None, "utf-8", "iso-8859-1"])
def test_utf8_with_one_stray_byte_stays_utf8(text: str, declared: str | None) -> None:
    good = text.encode()
    cut = good.index(b" ", len(good) // 2)
    data = good[:cut] + b"\xff" + good[cut:]  # one byte that is never valid UTF-8
    info = decode_bytes_info(b"<html><body><p>" + data + b"</p></body></html>", "p",
                             declared=declared)
    assert info.encoding == "utf-8"
    assert info.text.count("\ufffd") == 1
    assert info.text.replace("\ufffd", "") == f"<html><body><p>{text}</p></body></html>"


def test_legacy_text_with_one_accent_is_not_taken_for_broken_utf8() -> None:
    data = ("A long English paragraph about our small café and its prices, " * 4).encode("cp1252")
    assert decode_bytes(data, "p") == ("A long English paragraph about our small café and its "
                                       "prices, " * 4)
    ru = "Привет, мир! Скидки до пятницы.".encode("cp1251")
    assert decode_bytes(ru, "p", declared="windows-1251") == "Привет, мир! Скидки до пятницы."
