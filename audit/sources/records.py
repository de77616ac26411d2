"""Files of records (one item of copy each) for ``eval`` and ``personas learn``: JSON Lines,
CSV, YAML or JSON, each a list of objects, or a mapping whose ``pieces`` is that list (the shape
of ``eval/labelled.yaml``).

Every failure is one :class:`InputError` naming the file (and the line where there is one):
missing, unreadable, not text, empty, malformed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from .decode import decode_bytes, read_bytes

RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".yaml", ".yml", ".json")


def read_text_file(path: Path) -> str:
    """A text file's contents, or an InputError naming it (missing, a folder, binary...)."""
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    if path.is_dir():
        raise InputError(str(path), "is a folder, not a file")
    return decode_bytes(read_bytes(path), str(path))


def read_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line or position, record) pairs from a .jsonl, .csv, .yaml/.yml or .json file."""
    suffix = path.suffix.lower()
    if suffix not in RECORD_SUFFIXES:
        raise InputError(str(path), f"unknown file type '{suffix or '(none)'}' (use "
                                    f"{', '.join(RECORD_SUFFIXES)})")
    text = read_text_file(path)
    if not text.strip():
        raise InputError(str(path), "empty file")
    if suffix in (".jsonl", ".ndjson"):
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}", f"invalid JSON ({exc.msg})") from None
            out.append((n, _mapping(record, path, n)))
        return out
    if suffix == ".csv":
        # strict: a quote left open would otherwise swallow every row after it into one text
        reader = csv.DictReader(io.StringIO(text), strict=True)
        rows: list[tuple[int, dict[str, Any]]] = []
        start = 1  # the line the row being read starts on
        try:
            for row in reader:
                rows.append((reader.line_num, dict(row)))
                start = reader.line_num + 1
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise InputError(f"{path}:{start}", "invalid CSV (a quoted field that starts in "
                                 "this row is never closed)") from None
            raise InputError(f"{path}:{start}", f"invalid CSV in the row that starts here "
                             f"({exc}: a quote is left open or stray)") from None
        return rows
    data = _load_structured(text, path, suffix)
    if isinstance(data, dict) and isinstance(data.get("pieces"), list):
        data = data["pieces"]
    if not isinstance(data, list):
        raise InputError(str(path), "expected a list of items (or a mapping with 'pieces:')")
    return [(i, _mapping(item, path, i)) for i, item in enumerate(data, 1)]


def _load_structured(text: str, path: Path, suffix: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}", f"invalid JSON ({exc.msg})") from None
    import yaml

    from ..safeyaml import YamlRefused, load

    try:
        return load(text)  # no aliases ("billion laughs"), no deep nesting, at most 2 MB
    except YamlRefused as exc:
        raise InputError(f"{path}:{exc.line}", exc.message) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(where, f"invalid YAML ({getattr(exc, 'problem', None) or exc})") from None


def _mapping(record: Any, path: Path, n: int) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise InputError(f"{path}:{n}", "each item must be an object with a 'text' field")
    return record


def text_field(record: dict[str, Any], path: Path, n: int) -> str:
    """The record's non-empty ``text``, or an InputError pointing at it."""
    if "text" not in record:
        raise InputError(f"{path}:{n}", "item has no 'text' field")
    text = record["text"]
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{path}:{n}", "'text' must be non-empty text")
    return text
