"""Persona packs: load ``lexicons/*.yaml``, validate them and report every problem with file:line.

Packs are data written by marketers, so the validator is strict and talks plainly: unknown keys,
duplicate ids, a term listed twice, a weight out of range or an invalid spaCy Matcher pattern are
each one line naming the file and line. ``load_packs`` raises :class:`LexiconError` with all of
them; ``lint_paths`` returns them for ``antipersona personas lint``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LexiconError
from ..models import DEFAULT_PACK_COLOR
from .locations import SHIPPED_NAME, SHIPPED_PACKS, expand_shipped, with_user_edits
from .redos import catastrophic

#: Where the four default packs live (see :mod:`audit.packs.locations`).
DEFAULT_LEXICON_DIR = SHIPPED_PACKS

KINDS = ("persona", "anti-persona", "risk")
TONE_METRICS = (
    "reading_grade",
    "avg_sentence_words",
    "long_word_share",
    "passive_ratio",
    "nominalization_rate",
    "second_person_ratio",
    "first_person_ratio",
    "imperative_ratio",
    "acronym_density",
    "hype_rate",
    "urgency_rate",
    "watch_rate",
    "org_rate",
    "price_rate",
    "number_rate",
    "exclamation_rate",
    "question_rate",
)
_TOP_KEYS = {"id", "name", "kind", "version", "description", "color", "negation", "cues", "tone",
             "status"}
#: ``status: proposed`` marks a pack written by ``personas learn`` and not yet reviewed.
STATUSES = ("active", "proposed")
_CUE_KEYS = {
    "group", "weight", "terms", "acronyms", "patterns", "regex", "suggest", "note",
    "negatable", "sections", "once", "in_templates", "in_docs", "in_terms",
}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_WEIGHT = 3.0


@dataclass(frozen=True, slots=True)
class CueGroup:
    """One group of cues with a shared weight, note and suggestions (like a Vale rule)."""

    group: str
    weight: float
    terms: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()
    regex: tuple[str, ...] = ()
    suggest: tuple[str, ...] = ()
    note: str = ""
    negatable: bool = True
    sections: frozenset[str] | None = None
    #: The group counts once per piece, by its strongest hit: one defect however often it shows
    #: (a template full of placeholders is one leak, not ten).
    once: bool = False
    #: False: the group does not count in a piece that reads as a template (several distinct
    #: placeholders, or template logic): its placeholders are filled in when it is sent.
    in_templates: bool = True
    #: False: the group counts a tenth in a piece that reads as documentation (set-up
    #: steps, a feature's availability header): a help page on configuring SSO sells nothing.
    in_docs: bool = True
    #: False: the group counts a tenth near strict terms (store credit only, a restocking fee,
    #: items that must be unused): a returns policy that restricts repels the serial returner.
    in_terms: bool = True

    @property
    def size(self) -> int:
        return len(self.terms) + len(self.acronyms) + len(self.patterns) + len(self.regex)


@dataclass(frozen=True, slots=True)
class ToneTarget:
    """A tone metric that pulls toward a persona past a threshold (reading grade above 12...)."""

    metric: str
    weight: float
    above: float | None = None
    below: float | None = None
    #: Pieces shorter than this are not judged on it (None: the scorer's default, since style
    #: ratios over a sentence or two are noise; a word-count metric may hold from one word).
    min_words: int | None = None

    def describe(self) -> str:
        side = f"above {self.above:g}" if self.above is not None else f"below {self.below:g}"
        length = f", from {self.min_words} word{'s' if self.min_words != 1 else ''}" \
            if self.min_words else ""
        return f"{self.metric} {side}{length}"


@dataclass(frozen=True, slots=True)
class Persona:
    id: str
    name: str
    kind: str
    version: str
    description: str
    cues: tuple[CueGroup, ...]
    tone: tuple[ToneTarget, ...] = ()
    color: str = DEFAULT_PACK_COLOR
    negation_counts_for: str | None = None
    negation_factor: float = 0.0
    path: str = ""
    status: str = "active"

    def group(self, name: str) -> CueGroup | None:
        return next((g for g in self.cues if g.group == name), None)

    @property
    def size(self) -> int:
        return sum(g.size for g in self.cues)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "color": self.color,
                "version": self.version}


@dataclass(slots=True)
class _Doc:
    """A parsed YAML file with the line of every value, for messages that point at the line."""

    path: Path
    data: Any
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line(self, *keys: Any) -> int:
        while keys and keys not in self.lines:
            keys = keys[:-1]
        return self.lines.get(keys, 1)


def _record_lines(node: Any, path: tuple[Any, ...], out: dict[tuple[Any, ...], int],
                  duplicates: list[tuple[str, int, int]]) -> None:
    """The line of every value, and every key written twice in one mapping (YAML keeps the
    last silently: a second ``terms:`` would drop the first list)."""
    import yaml

    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in first:
                duplicates.append((key, line, first[key]))
            first.setdefault(key, line)
            _record_lines(value_node, (*path, key), out, duplicates)
            out[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), out, duplicates)


def _parse(path: Path, problems: list[str]) -> _Doc | None:
    from ..safeyaml import YamlRefused, check_size, compose, construct

    try:
        check_size(path.stat().st_size)  # before reading: a 100 MB pack is refused unread
        text = path.read_text(encoding="utf-8")
    except YamlRefused as exc:
        problems.append(f"{path}:1: {exc.message}")
        return None
    except IsADirectoryError:
        problems.append(f"{path}:1: is a folder, not a pack file")
        return None
    except UnicodeDecodeError as exc:
        problems.append(_not_utf8(path, exc))
        return None
    except OSError as exc:
        problems.append(f"{path}:1: cannot read the file ({exc.strerror or exc})")
        return None
    import yaml  # only when packs are read: loading them from the cache needs no YAML

    try:
        node = compose(text)  # refuses aliases ("billion laughs") and deep nesting
        data = construct(node)
    except YamlRefused as exc:
        problems.append(f"{path}:{exc.line}: {exc.message}")
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (ESC, DEL ...)
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        problems.append(f"{path}:{line}: invalid YAML: a control character (U+{ord(char):04X}) "
                        "that YAML does not allow; delete it")
        return None
    except yaml.YAMLError as exc:
        problems.append(_yaml_problem(path, exc))
        return None
    doc = _Doc(path, data)
    if node is not None:
        duplicates: list[tuple[str, int, int]] = []
        _record_lines(node, (), doc.lines, duplicates)
        problems.extend(f"{path}:{line}: key '{key}' written twice (first at line {first}); "
                        "YAML would keep only this one" for key, line, first in duplicates)
    return doc


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    """One line for a pack that is not UTF-8: binary, or text saved in another encoding."""
    from ..sources.decode import looks_binary

    data = exc.object if isinstance(exc.object, bytes) else b""
    if looks_binary(data[:4096]):
        return f"{path}:1: a binary file, not a YAML pack"
    line = data.count(b"\n", 0, exc.start) + 1
    return (f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the pack as "
            "UTF-8")


def _yaml_problem(path: Path, exc: Exception) -> str:
    """One line for a YAML syntax error, at the line where the broken construct starts (an
    unclosed "[" is only noticed many lines later)."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    what = getattr(exc, "problem", None) or str(exc)
    context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and start is not None and start.line + 1 != line:
        return (f"{path}:{start.line + 1}: invalid YAML: {what} at line {line}, {context} "
                f"that starts here")
    return f"{path}:{line}: invalid YAML: {what}"


def _norm_term(term: str) -> str:
    """The form under which two terms count as the same ("Sign-off" == "sign off")."""
    return re.sub(r"[\s\-‐–]+", " ", term.strip().lower())


def term_variants(term: str) -> list[str]:
    """Spellings a term stands for: hyphen, space and joined forms ("sign-off" -> "sign off"...).
    A phrase of three or four plain words is also hyphenated whole, as it is before a noun ("a
    no-questions-asked refund", "a pay-as-you-go plan")."""
    term = " ".join(term.split())
    out = [term]
    words = term.count(" ") + 1
    if "-" in term:
        out += [term.replace("-", " "), term.replace("-", "")]
    elif words == 2 and len(term) <= 24:
        out += [term.replace(" ", "-"), term.replace(" ", "")]
    elif words in (3, 4) and len(term) <= 30 and term.replace(" ", "").isalpha():
        out.append(term.replace(" ", "-"))
    seen: list[str] = []
    for t in out:
        if t and t not in seen:
            seen.append(t)
    return seen


class _Checker:
    """Validates one parsed pack and builds the :class:`Persona`, collecting problems."""

    def __init__(self, doc: _Doc, problems: list[str]) -> None:
        self.doc = doc
        self.problems = problems

    def err(self, keys: tuple[Any, ...], message: str) -> None:
        self.problems.append(f"{self.doc.path}:{self.doc.line(*keys)}: {message}")

    def _str(self, data: dict[str, Any], key: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.err((), f"missing required key '{key}'")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.err((key,), f"'{key}' must be text")
            return ""
        return str(value)

    def _weight(self, keys: tuple[Any, ...], value: Any, hi: float = MAX_WEIGHT) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.err(keys, f"weight must be a number, got {value!r}")
            return 0.0
        if not 0 < value <= hi:
            self.err(keys, f"weight {value} is out of range (0, {hi:g}]")
            return 0.0
        return float(value)

    def _str_list(self, keys: tuple[Any, ...], value: Any, what: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(keys, f"'{what}' must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool) or not str(item).strip():
                self.err((*keys, i), f"'{what}' entries must be non-empty text, got {item!r}")
                continue
            out.append(str(item).strip())
        return out

    def persona(self, matcher_vocab: Any) -> Persona | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.err((), "a pack must be a mapping with id, name, kind and cues")
            return None
        for key in data:
            if key not in _TOP_KEYS:
                self.err((key,), f"unknown key '{key}' (allowed: {', '.join(sorted(_TOP_KEYS))})")
        pid = self._str(data, "id")
        if pid and not _ID_RE.match(pid):
            self.err(("id",), f"id '{pid}' must be lower-case letters, digits and hyphens")
        kind = self._str(data, "kind")
        if kind and kind not in KINDS:
            self.err(("kind",), f"kind '{kind}' must be one of {', '.join(KINDS)}")
        color = self._str(data, "color", required=False) or DEFAULT_PACK_COLOR
        if not _COLOR_RE.match(color):
            self.err(("color",), f"color '{color}' must look like #1f6feb")
            color = DEFAULT_PACK_COLOR
        status = self._str(data, "status", required=False) or "active"
        if status not in STATUSES:
            self.err(("status",), f"status '{status}' must be one of {', '.join(STATUSES)}")
            status = "active"
        counts_for, factor = self._negation(data.get("negation"))
        cues = self._cues(data.get("cues"), matcher_vocab)
        tone = self._tone(data.get("tone"))
        return Persona(
            id=pid,
            name=self._str(data, "name"),
            kind=kind,
            version=self._str(data, "version", required=False) or "0",
            description=self._str(data, "description", required=False),
            cues=tuple(cues),
            tone=tuple(tone),
            color=color,
            negation_counts_for=counts_for,
            negation_factor=factor,
            path=str(self.doc.path),
            status=status,
        )

    def _negation(self, value: Any) -> tuple[str | None, float]:
        if value is None:
            return None, 0.0
        if not isinstance(value, dict):
            self.err(("negation",), "'negation' must be a mapping with counts_for and factor")
            return None, 0.0
        for key in value:
            if key not in ("counts_for", "factor"):
                self.err(("negation", key), f"unknown key '{key}' in negation")
        target = value.get("counts_for")
        factor = value.get("factor", 0.5)
        if target is not None and not isinstance(target, str):
            self.err(("negation", "counts_for"), "counts_for must be a persona id")
            target = None
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            self.err(("negation", "factor"), f"factor {factor!r} must be a number in [0, 1]")
            factor = 0.0
        return target, float(factor)

    def _cues(self, value: Any, vocab: Any) -> list[CueGroup]:
        if not isinstance(value, list) or not value:
            self.err(("cues",), "'cues' must be a non-empty list of cue groups")
            return []
        groups: list[CueGroup] = []
        seen_groups: set[str] = set()
        seen_terms: dict[str, tuple[str, int]] = {}
        for i, raw in enumerate(value):
            keys: tuple[Any, ...] = ("cues", i)
            if not isinstance(raw, dict):
                self.err(keys, "each cue group must be a mapping")
                continue
            for key in raw:
                if key not in _CUE_KEYS:
                    self.err((*keys, key), f"unknown key '{key}' in cue group "
                             f"(allowed: {', '.join(sorted(_CUE_KEYS))})")
            name = str(raw.get("group", "")).strip()
            if not name:
                self.err(keys, "cue group without a 'group' name")
            elif not _ID_RE.match(name):
                self.err((*keys, "group"), f"group '{name}' must be lower-case letters, digits, hyphens")
            elif name in seen_groups:
                self.err((*keys, "group"), f"group '{name}' appears twice")
            seen_groups.add(name)
            weight = self._weight((*keys, "weight"), raw.get("weight", 1.0))
            terms = self._str_list((*keys, "terms"), raw.get("terms"), "terms")
            acronyms = self._str_list((*keys, "acronyms"), raw.get("acronyms"), "acronyms")
            for j, term in enumerate(terms):
                self._dup(seen_terms, _norm_term(term), term, (*keys, "terms", j), name)
            for j, term in enumerate(acronyms):
                self._dup(seen_terms, "acr:" + term, term, (*keys, "acronyms", j), name)
            patterns = self._patterns((*keys, "patterns"), raw.get("patterns"), vocab)
            regex = self._regex((*keys, "regex"), raw.get("regex"))
            suggest = self._str_list((*keys, "suggest"), raw.get("suggest"), "suggest")
            note = raw.get("note", "")
            if not isinstance(note, str):
                self.err((*keys, "note"), "'note' must be text")
                note = ""
            negatable = self._flag(keys, raw, "negatable", True)
            once = self._flag(keys, raw, "once", False)
            in_templates = self._flag(keys, raw, "in_templates", True)
            in_docs = self._flag(keys, raw, "in_docs", True)
            in_terms = self._flag(keys, raw, "in_terms", True)
            sections = raw.get("sections")
            if sections is not None:
                sections = frozenset(self._str_list((*keys, "sections"), sections, "sections"))
            # (one that had some, all of them refused above, is not reported twice)
            if not (terms or acronyms or patterns or regex) and not any(
                    raw.get(k) for k in ("terms", "acronyms", "patterns", "regex")):
                self.err(keys, f"group '{name}' has no terms, acronyms, patterns or regex")
            groups.append(CueGroup(
                group=name, weight=weight, terms=tuple(terms), acronyms=tuple(acronyms),
                patterns=tuple(patterns), regex=tuple(regex), suggest=tuple(suggest),
                note=note.strip(), negatable=negatable, sections=sections, once=once,
                in_templates=in_templates, in_docs=in_docs, in_terms=in_terms,
            ))
        return groups

    def _flag(self, keys: tuple[Any, ...], raw: dict[str, Any], key: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.err((*keys, key), f"'{key}' must be true or false")
            return default
        return value

    def _dup(self, seen: dict[str, tuple[str, int]], key: str, term: str,
             keys: tuple[Any, ...], group: str) -> None:
        line = self.doc.line(*keys)
        if key in seen:
            first_group, first_line = seen[key]
            self.err(keys, f"term '{term}' is listed twice (first in group '{first_group}' "
                     f"at line {first_line})")
        else:
            seen[key] = (group, line)

    def _patterns(self, keys: tuple[Any, ...], value: Any, vocab: Any) -> list[tuple[dict, ...]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(keys, "'patterns' must be a list of token patterns")
            return []
        from spacy.matcher import Matcher

        out = []
        for j, pat in enumerate(value):
            if not isinstance(pat, list) or not pat or not all(isinstance(t, dict) for t in pat):
                self.err((*keys, j), "a pattern must be a non-empty list of token mappings, "
                         "like [{LOWER: book}, {LOWER: a}, {LOWER: demo}]")
                continue
            slow = next((p for rx in _token_regexes(pat) if (p := regex_problem(rx))), None)
            if slow:
                self.err((*keys, j), f"in a token pattern: {slow}")
                continue
            try:
                Matcher(vocab, validate=True).add("check", [pat])
            except Exception as exc:  # spaCy raises ValueError/MatchPatternError with details
                detail = " ".join(str(exc).split())
                self.err((*keys, j), f"invalid spaCy Matcher pattern: {detail[:300]}")
                continue
            out.append(tuple(pat))
        return out

    def _regex(self, keys: tuple[Any, ...], value: Any) -> list[str]:
        out = []
        for j, rx in enumerate(self._str_list(keys, value, "regex")):
            problem = regex_problem(rx)
            if problem:
                self.err((*keys, j), problem)
                continue
            out.append(rx)
        return out

    def _tone(self, value: Any) -> list[ToneTarget]:
        if value is None:
            return []
        if not isinstance(value, dict):
            self.err(("tone",), "'tone' must map metric names to {above|below: X, weight: W}")
            return []
        out = []
        for metric, spec in value.items():
            keys = ("tone", metric)
            if metric not in TONE_METRICS:
                self.err(keys, f"unknown tone metric '{metric}' (known: {', '.join(TONE_METRICS)})")
                continue
            if not isinstance(spec, dict) or ("above" in spec) == ("below" in spec):
                self.err(keys, f"tone '{metric}' needs exactly one of 'above' or 'below', and 'weight'")
                continue
            for key in spec:
                if key not in ("above", "below", "weight", "min_words"):
                    self.err((*keys, key), f"unknown key '{key}' in tone '{metric}'")
            min_words = spec.get("min_words")
            if min_words is not None and (isinstance(min_words, bool)
                                          or not isinstance(min_words, int) or min_words < 1):
                self.err((*keys, "min_words"), f"tone '{metric}' min_words must be a whole "
                         "number of at least 1")
                min_words = None
            bound = spec.get("above", spec.get("below"))
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                self.err(keys, f"tone '{metric}' threshold must be a number")
                continue
            weight = self._weight((*keys, "weight"), spec.get("weight", 0.5), hi=1.0)
            out.append(ToneTarget(metric=metric, weight=weight,
                                  above=float(spec["above"]) if "above" in spec else None,
                                  below=float(spec["below"]) if "below" in spec else None,
                                  min_words=min_words))
        return out


def regex_problem(rx: str) -> str | None:
    """Why a pack's regular expression is refused (it does not compile, or it can take
    exponential time: see :mod:`audit.packs.redos`), or None."""
    import regex

    try:
        re.compile(rx)
        regex.compile(rx)  # what runs it, with a time bound (audit.analyze.charregex)
    except (re.error, regex.error) as exc:
        return f"invalid regular expression {rx!r}: {exc}"
    why = catastrophic(rx)
    return f"regular expression {rx!r} can take exponential time: {why}" if why else None


def _token_regexes(pattern: list[dict[str, Any]]) -> Iterator[str]:
    """The REGEX values of a token pattern ({TEXT: {REGEX: ...}}, at any depth)."""
    stack: list[Any] = list(pattern)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "REGEX" and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _folder_packs(folder: Path) -> list[Path]:
    return sorted(q for q in folder.iterdir() if q.suffix in (".yaml", ".yml")
                  and not q.name.startswith((".", "_")) and not q.is_dir())


def pack_files(paths: Iterable[Path]) -> Iterator[Path]:
    """YAML files named by the user: files as given, folders by their ``*.yaml``/``*.yml``;
    a file named twice (``--personas shipped --personas shipped``) is read once."""
    seen: set[Path] = set()
    for p in paths:
        for q in _folder_packs(p) if p.is_dir() else [p]:
            try:
                key = q.resolve()
            except OSError:
                key = q
            if key not in seen:
                seen.add(key)
                yield q


def _vocab() -> Any:
    from ..analyze.spacyload import import_spacy

    return import_spacy().vocab.Vocab()


def lint_paths(paths: Iterable[Path]) -> tuple[list[Persona], list[str]]:
    """Parse and validate packs; return the good ones and every problem found (file:line: msg)."""
    problems: list[str] = []
    personas: list[Persona] = []
    docs: dict[str, _Doc] = {}
    vocab = _vocab()
    paths = expand_shipped(paths)
    files = list(pack_files(paths))
    for path in files:
        if not path.exists():
            problems.append(f"{path}: no such file or folder (the shipped packs are named "
                            f"'{SHIPPED_NAME}')")
            continue
        doc = _parse(path, problems)
        if doc is None:
            continue
        docs[str(path)] = doc
        before = len(problems)
        persona = _Checker(doc, problems).persona(vocab)
        if persona and persona.id and persona.id != path.stem:
            problems.append(f"{path}:{doc.line('id')}: id '{persona.id}' should match the file "
                            f"name '{path.stem}'")
        if persona is not None and len(problems) == before:
            personas.append(persona)
    if not files:
        problems.append(f"{', '.join(str(p) for p in paths)}:1: no persona packs (*.yaml) found")
    else:  # a folder named beside others that holds no pack is a mistake, not nothing
        problems.extend(f"{p}: no persona packs (*.yaml) in this folder" for p in paths
                        if p.is_dir() and not _folder_packs(p))
    seen: dict[str, str] = {}
    for persona in personas:
        if persona.id in seen:
            problems.append(f"{persona.path}:{docs[persona.path].line('id')}: duplicate id "
                            f"'{persona.id}' (also in {seen[persona.id]})")
        seen[persona.id] = persona.path
    ids = {p.id for p in personas}
    for persona in personas:
        target = persona.negation_counts_for
        # A pack checked on its own may name a pack beside it in its folder; a broken pack
        # there is reported once, not again from each pack that names it.
        if target and target not in ids and not (
                Path(persona.path).parent / f"{target}.yaml").is_file():
            line = docs[persona.path].line("negation", "counts_for")
            problems.append(f"{persona.path}:{line}: negation.counts_for names '{target}', "
                            f"which is not among the loaded packs")
    return personas, problems


def load_packs(paths: Iterable[Path] | None = None) -> list[Persona]:
    """Load packs (default: the shipped ones); raise LexiconError listing every problem.
    Packs that loaded cleanly before, byte for byte, come from the cache (see packcache)."""
    from .packcache import cached

    given = with_user_edits(list(paths) if paths else [DEFAULT_LEXICON_DIR])

    def load() -> list[Persona]:
        personas, problems = lint_paths(given)
        if problems:
            raise LexiconError(problems)
        return personas

    try:
        if any(p.is_dir() and not _folder_packs(p) for p in given):
            return load()  # lint names the folder without packs (the cache would not)
        files = list(pack_files(given))
        parts: list[bytes | str] = []
        for path in files:
            parts += [str(path.resolve()), path.read_bytes()]
    except OSError:
        return load()  # lint names the file that cannot be read
    return cached("packs", parts, load)
