"""Ad exports (Google Ads / Ads Editor, Meta Ads Manager, LinkedIn Campaign Manager) -> Pieces.

Ads are the shortest copy a team writes and the most targeted, so each headline, text and
call to action is kept as its own section. Exports come in whatever the platform wrote:
UTF-16 tab-separated from Ads Editor, report title lines above the header from Google Ads,
semicolons from a European Excel; the layout is recognised from the header row alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..extract.html import normalize_space
from ..models import InputProblem, Piece, Section
from .decode import decode_bytes, looks_binary, read_bytes

#: How many lines above the header a report may carry (title, date range, account).
_HEADER_SEARCH = 30
_DELIMITERS = ("\t", ",", ";")
_EMPTY_VALUES = frozenset({"", "--", " --", "-", "n/a"})
_ENUM_RE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Layout:
    """One platform's export: which normalised column names mean what."""

    platform: str
    #: Columns that identify the layout (any one of them must be present).
    required: tuple[str, ...]
    #: normalised column name -> "headline" | "description" | "cta" | a meta key
    columns: dict[str, str]
    #: How the expected columns are shown to a user when nothing matched.
    expected: str

    def field_of(self, norm: str) -> str | None:
        if self.platform == "google":
            if re.fullmatch(r"headline\d{1,2}", norm):
                return "headline"
            if re.fullmatch(r"description\d", norm):
                return "description"
        return self.columns.get(norm)

    def matches(self, names: list[str]) -> bool:
        if self.platform == "google":
            return any(re.fullmatch(r"headline\d{1,2}", n) for n in names)
        return any(n in self.required for n in names)


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "google",
        ("headline1",),
        {
            "longheadline": "headline", "description": "description", "calltoaction": "cta",
            "calltoactiontext": "cta", "finalurl": "final_url", "campaign": "campaign",
            "adgroup": "ad_group", "path1": "path1", "path2": "path2", "adname": "ad_name",
        },
        "Headline 1..15, Description 1..4, Path 1/2, Final URL, Campaign, Ad group",
    ),
    Layout(
        "linkedin",
        ("introductorytext", "introtext"),
        {
            "introductorytext": "description", "introtext": "description",
            "headline": "headline", "description": "description", "calltoaction": "cta",
            "campaignname": "campaign", "campaign": "campaign", "adname": "ad_name",
            "creativename": "ad_name", "destinationurl": "final_url",
            "landingpageurl": "final_url",
        },
        "Introductory text (or Intro text), Headline, Description, Call to action, "
        "Campaign name, Ad name / Creative name, Destination URL",
    ),
    Layout(
        "meta",
        ("body", "primarytext"),
        {
            "body": "description", "primarytext": "description", "title": "headline",
            "headline": "headline", "linkdescription": "description",
            "description": "description", "calltoaction": "cta", "campaignname": "campaign",
            "adsetname": "ad_group", "adname": "ad_name", "link": "final_url",
            "websiteurl": "final_url", "linkurl": "final_url", "destinationurl": "final_url",
        },
        "Body (or Primary text), Title (or Headline), Link Description, Call to Action, "
        "Campaign name, Ad set name, Ad name",
    ),
)
_COPY_FIELDS = ("headline", "description", "cta")


def read_ad_csv(path: Path) -> Iterator[Piece | InputProblem]:
    """One Piece per ad row (channel "ad"); bad rows become InputProblems, the rest go on."""
    path = Path(path)
    source = str(path)
    data = read_bytes(path)
    text, bad_lines = _decode(data, source)
    lines = io.StringIO(text, newline="").readlines()
    start, delimiter, layout, header = _find_header(lines, source)
    names = [_norm(h) for h in header]
    fields = [layout.field_of(n) for n in names]
    reader = csv.reader(lines[start + 1:], delimiter=delimiter)
    first_line = start + 2  # 1-based number of the line after the header
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = first_line + last
            last = reader.line_num
            yield InputProblem(f"{source}:line {line}", f"malformed CSV row: {exc}")
            continue
        line = first_line + last
        last = reader.line_num
        end = first_line + last - 1
        if not row or not any(cell.strip() for cell in row):
            continue
        if any(n in bad_lines for n in range(line, end + 1)):
            yield InputProblem(f"{source}:line {line}", "could not decode this row: not UTF-8")
            continue
        row = _fit(row, len(header))
        if row is None:
            yield InputProblem(
                f"{source}:line {line}",
                f"this row has a different number of columns than the header ({len(header)})",
            )
            continue
        piece = _row_piece(row, header, fields, layout, f"{source}:row {line}")
        if piece is not None:
            yield piece


def export_layout(data: bytes, source: str) -> Layout | None:
    """The layout of the ad export these bytes hold (its header found as
    :func:`read_ad_csv` finds it), or None when they hold none."""
    try:
        text, _ = _decode(data, source)
        return _find_header(io.StringIO(text, newline="").readlines(), source)[2]
    except InputError:
        return None


def detect_layout(columns: list[str]) -> Layout | None:
    """The platform layout a header row belongs to, or None."""
    names = [_norm(c) for c in columns]
    for layout in LAYOUTS:
        if layout.matches(names):
            return layout
    return None


# --- internals ---------------------------------------------------------------------------


def _norm(name: str) -> str:
    """Column names compared without case, spaces or punctuation ("Ad Group" == "ad_group")."""
    return re.sub(r"[\W_]+", "", name.replace("\ufeff", "").lower())


def _decode(data: bytes, source: str) -> tuple[str, set[int]]:
    """Text of the file plus the 1-based numbers of lines that were not valid UTF-8.

    A UTF-8 export with one corrupted row should lose that row only; a file wholly in
    another encoding (UTF-16 from Ads Editor, cp1252 from Excel) is decoded as such.
    """
    if not data or b"\x00" in data[:8192] or looks_binary(data):
        return decode_bytes(data, source), set()  # UTF-16, or raises for binary / empty
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        split = _split_bad_lines(data)
        if split is not None:
            return split
        return decode_bytes(data, source), set()
    return text.removeprefix("\ufeff"), set()


def _split_bad_lines(data: bytes) -> tuple[str, set[int]] | None:
    """Per-line UTF-8 when the file is mostly UTF-8 with a few broken lines, else None."""
    good = 0
    bad: set[int] = set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad.add(number)
    if not bad or not good:
        return None
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff"), bad


def _find_header(lines: list[str], source: str) -> tuple[int, str, Layout, list[str]]:
    """Index of the header line, its delimiter, layout and cells; InputError when none fits."""
    first_cells: list[str] = []
    delimiters = _delimiter_order(lines)
    for index, line in enumerate(lines[:_HEADER_SEARCH]):
        if not line.strip() or re.fullmatch(r"\s*sep=.\s*", line):
            continue
        for delimiter in delimiters:
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:  # a cell over the csv module's field limit: not a header
                continue
            if not first_cells and len(cells) > 1:
                first_cells = cells
            layout = detect_layout(cells)
            if layout is not None:
                return index, delimiter, layout, [c.strip() for c in cells]
    found = ", ".join(c.strip() for c in first_cells if c.strip()) or "no columns"
    expected = "; ".join(f"{lay.platform}: {lay.expected}" for lay in LAYOUTS)
    raise InputError(
        source, f"neither a URL list nor a known ad export. A URL list needs a url column "
        f"(optional: channel, name, campaign); an ad export the columns of one of these "
        f"layouts: {expected}. Found: {found}",
    )


def _delimiter_order(lines: list[str]) -> tuple[str, ...]:
    """Delimiters to try, csv.Sniffer's guess (or Excel's "sep=" line) first."""
    for line in lines[:2]:
        match = re.fullmatch(r"\s*sep=(.)\s*", line)
        if match:
            return (match.group(1), *(d for d in _DELIMITERS if d != match.group(1)))
    sample = "".join(lines[:_HEADER_SEARCH])[:16384]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return _DELIMITERS
    return (guess, *(d for d in _DELIMITERS if d != guess))


def _fit(row: list[str], width: int) -> list[str] | None:
    """The row at header width: trailing empty cells trimmed; None when it is ragged."""
    if len(row) > width and not any(c.strip() for c in row[width:]):
        row = row[:width]
    return row if len(row) == width else None


def _clean(value: str) -> str:
    value = normalize_space(value)
    return "" if value.lower() in _EMPTY_VALUES else value


def _humanize_cta(value: str) -> str:
    """Meta exports call-to-action codes ("LEARN_MORE"); people read "Learn more"."""
    if len(value) > 1 and _ENUM_RE.fullmatch(value) and ("_" in value or value.isalpha()):
        return value.replace("_", " ").capitalize()
    return value


def _row_piece(
    row: list[str], header: list[str], fields: list[str | None], layout: Layout, source: str
) -> Piece | None:
    copy: dict[str, list[str]] = {f: [] for f in _COPY_FIELDS}
    meta: dict[str, Any] = {"platform": layout.platform}
    extra: dict[str, str] = {}
    for name, field, raw in zip(header, fields, row, strict=True):
        value = _clean(raw)
        if not value:
            continue
        if field in copy:
            text = _humanize_cta(value) if field == "cta" else value
            if text not in copy[field]:
                copy[field].append(text)
        elif field:
            meta.setdefault(field, value)
        else:
            extra[name or f"column {len(extra) + 1}"] = value
    sections = [Section(field, text) for field in _COPY_FIELDS for text in copy[field]]
    if not sections:
        return None
    paths = [meta.pop(k) for k in ("path1", "path2") if k in meta]
    if paths:
        meta["path"] = "/".join(paths)
    meta["extra"] = extra
    return Piece(source=source, sections=sections, channel="ad", meta=meta)
