"""Ad exports: the three platform layouts, encodings, report preambles and bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import InputError
from audit.models import InputProblem, Piece
from audit.sources.ads import detect_layout, read_ad_csv

ADS = Path(__file__).parent / "fixtures" / "ads"


def pieces(name: str) -> list[Piece | InputProblem]:
    return list(read_ad_csv(ADS / name))


def copy(piece: Piece | InputProblem) -> list[tuple[str, str]]:
    assert isinstance(piece, Piece)
    return [(s.role, s.text) for s in piece.sections]


def test_google_ads_editor_utf16_tab_export() -> None:
    rows = pieces("google_editor_utf16.csv")
    assert len(rows) == 2  # the campaign row without copy is skipped
    first, second = rows
    assert isinstance(first, Piece) and isinstance(second, Piece)
    assert copy(first) == [
        ("headline", "Invoice in 2 minutes"),
        ("headline", "No sales call needed"),
        ("headline", "From £7 a month"),
        ("description", "Set it up yourself tonight and send your first invoice free."),
        ("description", "Reminders chase late payers for you."),
    ]
    assert first.channel == "ad"
    assert first.title == "Invoice in 2 minutes"
    assert first.source == f"{ADS / 'google_editor_utf16.csv'}:row 2"
    assert first.meta["platform"] == "google"
    assert first.meta["campaign"] == "Solo invoicing"
    assert first.meta["ad_group"] == "Freelancers"
    assert first.meta["final_url"] == "https://tallyfox.example/"
    assert first.meta["path"] == "invoices/free"
    assert first.meta["extra"] == {
        "Ad type": "Responsive search ad", "Headline 1 position": "1", "Status": "Enabled",
        "Labels": "spring",
    }
    assert second.source.endswith(":row 4")
    assert ("description", "Send a deposit invoice from your phone — café wifi is enough.") \
        in copy(second)


def test_google_report_with_title_lines_and_placeholders() -> None:
    rows = pieces("google_report.csv")
    assert len(rows) == 2  # the "Total" line has no copy
    first, second = rows
    assert isinstance(first, Piece) and isinstance(second, Piece)
    assert first.source.endswith("google_report.csv:row 4")  # lines 1-2 are report titles
    assert copy(second) == [
        ("headline", "Governance at scale"),
        ("description", "SOC 2 Type II audit trails for every business unit."),
    ]  # "--" means empty in Google reports
    assert first.meta["extra"] == {"Impr.": "1204", "Clicks": "37"}


def test_meta_ads_manager_export() -> None:
    rows = pieces("meta_ads.csv")
    assert [r.source.rsplit(":", 1)[1] for r in rows] == ["row 2", "row 5"]  # multi-line body
    first = rows[0]
    assert isinstance(first, Piece)
    assert copy(first) == [
        ("headline", "Invoices before your coffee cools"),
        ("description", "Stop losing Sundays to invoicing. Tallyfox sends it in two minutes."),
        ("description", "Free for your first month"),
        ("cta", "Sign up"),  # SIGN_UP as people read it
    ]
    assert first.meta["platform"] == "meta"
    assert first.meta["campaign"] == "Spring solo"
    assert first.meta["ad_group"] == "Freelancers UK"
    assert first.meta["ad_name"] == "Coffee invoice"
    assert first.meta["final_url"] == "https://tallyfox.example/"
    assert first.meta["extra"] == {"Optimization Goal": "LINK_CLICKS"}


def test_linkedin_campaign_manager_export() -> None:
    rows = pieces("linkedin_ads.csv")
    assert len(rows) == 2
    first = rows[0]
    assert isinstance(first, Piece)
    assert copy(first) == [
        ("headline", "Operationalise spend governance"),
        ("description", "Is your procurement organisation ready for the next audit? Download "
                        "the governance maturity study."),
        ("description", "48-page analyst report"),
        ("cta", "Download"),
    ]
    assert first.meta["platform"] == "linkedin"
    assert first.meta["ad_name"] == "Whitepaper A"
    assert first.meta["campaign"] == "Governance leaders"
    assert first.meta["final_url"] == "https://stratavault.example/study"
    assert first.meta["extra"] == {"Campaign Group Name": "FY24 Enterprise"}


def test_unknown_layout_names_expected_and_found_columns() -> None:
    with pytest.raises(InputError) as err:
        pieces("unknown_layout.csv")
    message = err.value.message
    for expected in ("google:", "Headline 1..15", "meta:", "Primary text", "linkedin:",
                     "Introductory text", "Found: Keyword, Match type, Max CPC"):
        assert expected in message


def test_ragged_and_undecodable_rows_are_reported_and_the_rest_carry_on() -> None:
    rows = pieces("ragged.csv")
    assert [type(r).__name__ for r in rows] == ["Piece", "InputProblem", "InputProblem", "Piece"]
    assert rows[1].source.endswith("ragged.csv:line 3")
    assert "number of columns" in rows[1].error  # type: ignore[union-attr]
    assert rows[2].source.endswith("ragged.csv:line 4")
    assert "decode" in rows[2].error  # type: ignore[union-attr]
    assert copy(rows[3]) == [
        ("headline", "Invoices for designers"), ("description", "Your logo on every invoice ✓"),
    ]


def test_cp1252_excel_export_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("sep=;\nPrimary text;Headline;Call to action\n"
                     "Café owners: invoices in two minutes;Simple “pay now” links;LEARN_MORE\n"
                     .encode("cp1252"))
    [piece] = list(read_ad_csv(path))
    assert copy(piece) == [
        ("headline", "Simple “pay now” links"),
        ("description", "Café owners: invoices in two minutes"),
        ("cta", "Learn more"),
    ]
    assert piece.source.endswith("excel.csv:row 3")


def test_trailing_empty_cells_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Headline 1,Description 1\nShort and sweet,Plain words win,,\n")
    [piece] = list(read_ad_csv(path))
    assert isinstance(piece, Piece)


def test_header_names_are_case_and_space_insensitive() -> None:
    layout = detect_layout(["CAMPAIGN", "ad_group", "headline1", " Description 1 "])
    assert layout is not None and layout.platform == "google"
    linkedin = detect_layout(["Intro text", "Headline"])
    assert linkedin is not None and linkedin.platform == "linkedin"
    meta = detect_layout(["Body", "Title"])
    assert meta is not None and meta.platform == "meta"
    assert detect_layout(["Headline", "Description"]) is None


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        list(read_ad_csv(tmp_path / "missing.csv"))
    (tmp_path / "x.csv").write_bytes(b"PK\x03\x04xlsx really")
    with pytest.raises(InputError, match="binary file"):
        list(read_ad_csv(tmp_path / "x.csv"))
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        list(read_ad_csv(tmp_path / "e.csv"))
