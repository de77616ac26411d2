"""CSV export of a run: one row per piece, for spreadsheets.

Cells come from crawled pages, so a title such as ``=HYPERLINK(...)`` must not become a formula
when the file is opened in Excel, LibreOffice or Google Sheets: text cells starting with
``= + - @`` or a tab / carriage return get a leading apostrophe (the OWASP advice). Quoting
follows RFC 4180 (CRLF line ends, fields with commas, quotes or line breaks in double quotes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from ..score.ranking import top_cue_phrases
from .unread import why

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Tone metrics first in this order when present; any others follow in the order seen.
TONE_ORDER = ("reading_grade", "avg_sentence_words", "passive_ratio", "long_word_share",
              "nominalization_rate", "second_person_ratio", "first_person_ratio",
              "imperative_ratio", "acronym_density", "hype_rate", "urgency_rate", "watch_rate",
              "org_rate", "price_rate", "number_rate", "question_rate", "exclamation_rate")


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows as data: text that could start a formula gets a quote mark.
    Numbers stay numbers (a negative number is not an injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _persona_ids(report: Mapping[str, Any]) -> list[str]:
    ids = [p["id"] for p in report["run"].get("personas", [])]
    for piece in report["pieces"]:
        ids.extend(pid for pid in piece.get("scores", {}) if pid not in ids)
    return ids


def _keys_seen(pieces: Iterable[Mapping[str, Any]], field: str) -> list[str]:
    """The keys of each piece's ``field`` mapping (tone, outcomes), in the order first seen."""
    seen: list[str] = []
    for piece in pieces:
        seen.extend(k for k in piece.get(field) or {} if k not in seen)
    return seen


def _tone_keys(pieces: Iterable[Mapping[str, Any]]) -> list[str]:
    seen = _keys_seen(pieces, "tone")
    return [k for k in TONE_ORDER if k in seen] + [k for k in seen if k not in TONE_ORDER]


def render_csv(report: dict[str, Any]) -> str:
    """The pieces of a report as CSV text (header row first): scores, verdict, journey stage,
    tone, and each imported outcome metric, so a spreadsheet can chart score against result;
    last, the piece's warnings (the report's ``warnings``), so a piece read only in part is
    not taken at face value."""
    pieces = report["pieces"]
    target = report["run"].get("target", "")
    personas = _persona_ids(report)
    tone = _tone_keys(pieces)
    metrics = _keys_seen(pieces, "outcomes")  # imported outcome metrics
    warned: dict[str, list[str]] = {}
    for w in report.get("warnings") or ():
        warned.setdefault(str(w.get("source")), []).append(str(w.get("warning")))
    # New columns go after the old ones, so spreadsheets built on the older layout still fit.
    header = ["id", "source", "channel", "title", "words", "verdict", "verdict_persona",
              *[f"score_{pid}" for pid in personas], "top_cues", "reason", *tone, "stage",
              *[f"outcome_{m}" for m in metrics], "warnings"]
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in header])
    for piece in pieces:
        verdict = piece.get("verdict", {})
        scores = piece.get("scores", {})
        row = [piece.get("id"), piece.get("source"), piece.get("channel"), piece.get("title"),
               piece.get("words"), verdict.get("label"), verdict.get("persona"),
               *[scores.get(pid) for pid in personas], "; ".join(top_cue_phrases(piece, target, limit=5)),
               "; ".join(filter(None, [why(piece) if piece.get("needs_render") else "",
                                       verdict.get("reason", "")])),
               *[piece.get("tone", {}).get(k) for k in tone], piece.get("stage"),
               *[(piece.get("outcomes") or {}).get(m) for m in metrics],
               "; ".join(warned.get(str(piece.get("source")), ()))]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
