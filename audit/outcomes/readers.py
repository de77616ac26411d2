"""Outcome exports as rows of (page, metric values), tolerant of what real exports look like.

Three shapes are read, told apart by their header:

* Google Analytics 4 report exports: ``#`` metadata lines before the header, a byte-order
  mark, a dimension column ("Landing page", "Page path and screen class", "Page path + query
  string", "Page location" ...) and every numeric column a metric; quoted thousands
  ("1,234"), percentages ("45.2%"), currency ("£1,234.50"), durations ("00:01:23"), a
  "Grand total" row and "(not set)" rows;
* Google Search Console performance exports: ``Pages.csv`` (Top pages, Clicks, Impressions,
  CTR, Position), alone or inside the export's zip;
* a generic ``url,metric,value`` CSV (one row per page and metric), or any table with a
  ``url`` / ``page`` column and numeric columns.

Files are untrusted: sizes, rows, columns and zip members are capped, and a zip is read in
memory member by member (never extracted, so a member's path cannot point anywhere).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..sources.decode import decode_bytes

MAX_FILE_BYTES = 50_000_000
MAX_MEMBER_BYTES = 50_000_000
MAX_MEMBERS = 200
MAX_ROWS = 500_000
MAX_COLUMNS = 200

#: GA4 dimensions that hold a page (path or address), as the export's header names them.
GA4_DIMENSIONS = ("landing page", "landing page + query string", "page path and screen class",
                  "page path + query string", "page path", "page location", "full page url",
                  "page url")
GSC_PAGE_COLUMNS = ("top pages", "page", "pages", "url", "landing page")
GENERIC_PAGE_COLUMNS = ("url", "page", "address", "page url", "source")
#: Cells that mean "no page recorded": listed as not joined, with this reason.
NOT_SET = {"(not set)": "GA4 recorded no page for this row ((not set))",
           "(other)": "GA4 grouped rare pages into (other)",
           "(not provided)": "the export withholds the page ((not provided))"}
TOTALS = ("grand total", "total", "totals")
_EMPTY = ("", "-", "—", "–", "n/a", "na", "(not set)", "--")
_CURRENCY_SIGNS = "$£€¥₹₩₽¢"
_CURRENCY_CODE = re.compile(r"^(?:[A-Z]{3}|US\$|A\$|C\$|NZ\$|HK\$|R\$)\s*|\s*(?:[A-Z]{3})$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?$")
_SPOKEN = re.compile(r"^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d+)?)s)?$")


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One data row: where it is in the file, the page cell as written, its metric values,
    and why it has no page (``(not set)`` rows), if so."""

    line: int
    page: str
    values: dict[str, float]
    problem: str = ""


@dataclass(slots=True)
class OutcomeFile:
    """A parsed export: its kind, the page column, the metrics and the rows."""

    path: str
    kind: str  # ga4 | search-console | url-metric-value | table
    page_column: str
    metrics: list[str]
    rows: list[OutcomeRow]
    totals: int = 0
    #: Metrics whose cells were percentages (rates: merged by weighted mean, not summed).
    percent: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return {"ga4": "GA4 export", "search-console": "Search Console export",
                "url-metric-value": "url,metric,value CSV", "table": "page table"}[self.kind]


def parse_number(cell: str) -> tuple[float | None, bool]:
    """A cell as (number, was a percentage); (None, False) for an empty cell. ValueError for
    text. Percentages become fractions ("45.2%" -> 0.452), durations seconds."""
    text = cell.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if text.lower() in _EMPTY:
        return None, False
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accounting negative
        negative, text = True, text[1:-1].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    text = _CURRENCY_CODE.sub("", text.strip(_CURRENCY_SIGNS + " ")).strip(_CURRENCY_SIGNS + " ")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    clock = _CLOCK.match(text)
    if clock:
        h, m, s = (clock.group(1), clock.group(2), clock.group(3)) if clock.group(3) is not None \
            else ("0", clock.group(1), clock.group(2))
        value = int(h) * 3600 + int(m) * 60 + float(s)
    else:
        spoken = _SPOKEN.match(text) if text and text[-1] in "hms" else None
        if spoken and any(spoken.groups()):
            h, m, s = spoken.groups()
            value = int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)
        else:
            compact = text.replace(",", "").replace(" ", "").replace("'", "")
            if not compact or not re.fullmatch(r"[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", compact):
                raise ValueError(f"not a number: {cell.strip()[:40]!r}")
            value = float(compact)
    if not math.isfinite(value):  # "1e999": JSON, SQLite sums and charts have no infinity
        raise ValueError(f"number too large: {cell.strip()[:40]!r}")
    if percent:
        value /= 100
    return (-value if negative else value), percent


def read_outcome_file(path: Path) -> OutcomeFile:
    """Read one export (CSV or Search Console zip). InputError naming the file when it
    cannot be used; rows that cannot be used are kept with their reason."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(source, f"file too large ({size:,} bytes; the limit is "
                                     f"{MAX_FILE_BYTES:,})")
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise InputError(source, "is a folder, not an export file") from None
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except OSError as exc:
        raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(source, f"file too large (over {MAX_FILE_BYTES:,} bytes)")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_zip(data, source)
    return parse_csv_text(decode_bytes(data, source), source)


def _read_zip(data: bytes, source: str) -> OutcomeFile:
    """A Search Console export zip: Pages.csv read in memory, with every size capped."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise InputError(source, f"zip has {len(infos)} members (the limit is "
                                         f"{MAX_MEMBERS}); not a Search Console export")
            csvs = [i for i in infos if not i.is_dir() and i.filename.lower().endswith(".csv")]
            pages = [i for i in csvs if _base(i.filename).lower() == "pages.csv"]
            tried: list[str] = []
            for info in pages or csvs:
                name = f"{source}:{_base(info.filename)}"
                text = decode_bytes(_member(zf, info, source), name)
                try:
                    parsed = parse_csv_text(text, name)
                except InputError:
                    tried.append(_base(info.filename))
                    continue
                return parsed
    except zipfile.BadZipFile as exc:
        raise InputError(source, f"not a readable zip file ({exc})") from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise InputError(source, f"zip member cannot be read ({exc})") from None
    found = ", ".join(tried[:5]) or "no CSV files"
    raise InputError(source, f"zip holds no page table (Search Console's Pages.csv); found: "
                             f"{found}")


def _base(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    if info.flag_bits & 0x1:
        raise InputError(source, f"{_base(info.filename)} is encrypted")
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError(source, f"{_base(info.filename)} is too large ({info.file_size:,} "
                                 f"bytes; the limit is {MAX_MEMBER_BYTES:,})")
    with zf.open(info) as fh:
        data = fh.read(MAX_MEMBER_BYTES + 1)  # the declared size may lie: read at most this
    if len(data) > MAX_MEMBER_BYTES:
        raise InputError(source, f"{_base(info.filename)} is larger than it says (over "
                                 f"{MAX_MEMBER_BYTES:,} bytes)")
    return data


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse_csv_text(text: str, source: str) -> OutcomeFile:
    """Parse an export's text (BOM already removed by decoding)."""
    lines = text.lstrip("\ufeff").splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    if start == len(lines):
        raise InputError(source, "no table in the file (only # comments or blank lines)")
    reader = csv.reader(lines[start:], delimiter=_delimiter(lines[start]))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except csv.Error as exc:
        raise InputError(source, f"not a CSV table ({exc})") from None
    if len(header) > MAX_COLUMNS:
        raise InputError(source, f"{len(header)} columns (the limit is {MAX_COLUMNS})")
    lower = [h.lower() for h in header]
    body: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            line = start + reader.line_num
            if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                if body:
                    break  # GA4 appends further tables after a blank line: the first is ours
                continue
            if len(body) >= MAX_ROWS:
                raise InputError(source, f"more than {MAX_ROWS:,} rows")
            body.append((line, row))
    except csv.Error as exc:
        raise InputError(source, f"broken CSV near line {start + reader.line_num} ({exc})") from None
    if {"url", "metric", "value"} <= set(lower):
        return _long(source, header, lower, body)
    kind, page_col = _wide_kind(lower)
    if page_col < 0:
        raise InputError(source, "no page column: expected a GA4 dimension such as Landing page, "
                                 "Page path and screen class or Page path + query string, Search "
                                 "Console's Top pages, or url,metric,value columns; found: "
                                 + ", ".join(header[:8]))
    return _wide(source, kind, header, page_col, body)


def _wide_kind(lower: list[str]) -> tuple[str, int]:
    if "clicks" in lower and "impressions" in lower:
        for name in GSC_PAGE_COLUMNS:
            if name in lower:
                return "search-console", lower.index(name)
    for name in GA4_DIMENSIONS:
        if name in lower:
            return "ga4", lower.index(name)
    for name in GENERIC_PAGE_COLUMNS:
        if name in lower:
            return "table", lower.index(name)
    return "table", -1


def _wide(source: str, kind: str, header: list[str], page_col: int,
          body: list[tuple[int, list[str]]]) -> OutcomeFile:
    """One row per page; every column whose cells are all numbers (or empty) is a metric."""
    out = OutcomeFile(path=source, kind=kind, page_column=header[page_col], metrics=[], rows=[])
    columns = [i for i in range(len(header)) if i != page_col and header[i]]
    parsed: dict[int, list[tuple[float | None, bool]]] = {i: [] for i in columns}
    text_columns: set[int] = set()
    for _, row in body:
        for i in columns:
            if i in text_columns:
                continue
            try:
                parsed[i].append(parse_number(row[i] if i < len(row) else ""))
            except ValueError:
                text_columns.add(i)
    metrics = [i for i in columns if i not in text_columns
               and any(v is not None for v, _ in parsed[i])]
    out.metrics = [header[i] for i in metrics]
    out.percent = {header[i] for i in metrics if any(p for _, p in parsed[i])}
    ignored = [header[i] for i in columns if i in text_columns]
    if ignored:
        out.notes.append("text columns ignored: " + ", ".join(ignored[:6]))
    if not metrics:
        raise InputError(source, f"no numeric columns beside '{header[page_col]}': nothing to "
                                 "measure")
    for n, (line, row) in enumerate(body):
        page = row[page_col].strip() if page_col < len(row) else ""
        if page.lower() in TOTALS or (not page and n == 0):
            out.totals += 1
            continue
        values = {header[i]: v for i in metrics if (v := parsed[i][n][0]) is not None}
        problem = NOT_SET.get(page.lower(), "" if page else "no page in this row")
        out.rows.append(OutcomeRow(line, page, values, problem))
    return out


def _long(source: str, header: list[str], lower: list[str],
          body: list[tuple[int, list[str]]]) -> OutcomeFile:
    """``url,metric,value``: one row per page and metric."""
    iu, im, iv = lower.index("url"), lower.index("metric"), lower.index("value")
    out = OutcomeFile(path=source, kind="url-metric-value", page_column=header[iu], metrics=[],
                      rows=[])
    for line, row in body:
        cell = (row + [""] * len(header))
        page, metric, raw = cell[iu].strip(), cell[im].strip(), cell[iv]
        if page.lower() in TOTALS:
            out.totals += 1
            continue
        problem = NOT_SET.get(page.lower(), "" if page else "no page in this row")
        values: dict[str, float] = {}
        if not metric:
            problem = problem or "no metric name in this row"
        else:
            try:
                value, percent = parse_number(raw)
            except ValueError as exc:
                problem = problem or f"value {exc}"
            else:
                if value is None:
                    problem = problem or "no value in this row"
                else:
                    values[metric] = value
                    if percent:
                        out.percent.add(metric)
                    if metric not in out.metrics:
                        out.metrics.append(metric)
        out.rows.append(OutcomeRow(line, page, values, problem))
    if not out.metrics:
        raise InputError(source, "no row has a metric name and a numeric value")
    return out
