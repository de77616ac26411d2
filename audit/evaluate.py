"""The packs measured on labelled copy: verdict macro-F1 and accuracy, per-label precision,
recall and F1, per-persona AUC of the raw scores, the confusion table, and how often each cue
group fires on copy that does not attract its persona. One implementation for
``antipersona eval FILE`` (anyone's labelled copy, labels mapped with ``--map``) and
``make eval``.

``make eval`` measures our own set (``eval/labelled.yaml``), split into ``dev`` (used when
tuning packs and thresholds) and ``holdout`` (never tuned against), and, when it is there, the
real copy in ``../shared/corpus/real_dev.jsonl`` (outside the repository; only its figures and
item ids are written), and writes the figures to ``docs/accuracy.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .analyze.profiles import installed_trained_model
from .config import Config, load_config
from .engine.engine import Engine
from .errors import InputError
from .models import VERDICT_LABELS, PieceResult, Verdict

EVAL_FILE = Path(__file__).resolve().parent.parent / "eval" / "labelled.yaml"


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    channel: str
    split: str
    label: str
    persona: str | None
    #: The personas the piece attracts (the truth for AUC and cue-group false positives);
    #: None when the file does not say, and the label's mapping decides.
    attracts: frozenset[str] | None
    hard: str | None
    text: str
    #: The item's other fields (``source``, ``tags`` ...), for ``--group-by``.
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    #: Where the item is: its file and line (or position in a YAML/JSON list).
    where: str = field(default="", hash=False, compare=False)


_KNOWN_FIELDS = {"id", "channel", "split", "label", "persona", "attracts", "hard", "text"}


def load_labelled(path: Path) -> list[Labelled]:
    """Labelled copy from JSONL, YAML, JSON or CSV: ``text`` and ``label``, optional ``id``,
    ``channel`` (default ``draft``), ``split``, ``persona``, ``attracts``, ``hard``; a YAML
    mapping with ``pieces:`` (the shape of ``eval/labelled.yaml``) too. InputError naming the
    file and line for anything missing or malformed."""
    from .sources.records import read_records, text_field

    items = []
    for n, rec in read_records(path):
        text = text_field(rec, path, n)
        label = rec.get("label")
        if isinstance(label, int) and not isinstance(label, bool):
            label = str(label)  # a class number (0, 1 ...), mapped with --map 1=... like text
        if label is not None and not isinstance(label, str):
            raise InputError(f"{path}:{n}", f"'label' must be text, not "
                             f"{'a list' if isinstance(label, list) else type(label).__name__}")
        if not isinstance(label, str) or not label.strip():
            raise InputError(f"{path}:{n}", "item has no 'label'")
        attracts = rec.get("attracts")
        if attracts is not None and not (isinstance(attracts, list)
                                         and all(isinstance(a, str) for a in attracts)):
            raise InputError(f"{path}:{n}", "'attracts' must be a list of persona ids")
        items.append(Labelled(
            id=str(rec.get("id") or f"{path.stem}:{n}"), channel=str(rec.get("channel") or "draft"),
            split=str(rec.get("split") or ""), label=label.strip(),
            persona=rec.get("persona") or None,
            attracts=frozenset(attracts) if attracts is not None else None,
            hard=rec.get("hard") or None, text=text,
            meta={k: v for k, v in rec.items() if k not in _KNOWN_FIELDS}, where=f"{path}:{n}"))
    if not items:
        raise InputError(str(path), "no labelled items")
    return items


def load_set(path: Path = EVAL_FILE) -> list[Labelled]:
    """Our own labelled set (``eval/labelled.yaml``)."""
    return load_labelled(path)


# --- labels and verdicts ----------------------------------------------------------------------

#: What a user's label may stand for besides a persona id.
VERDICT_TARGETS = VERDICT_LABELS
NONE_COLUMN = "(none)"


def parse_map(specs: Sequence[str]) -> dict[str, str]:
    """``["solo=on-target,enterprise=beth-bureaucrat", ...]`` -> {label: verdict or persona};
    ValueError for a malformed entry."""
    out: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            label, sep, target = (x.strip() for x in part.partition("="))
            if not sep or not label or not target:
                raise ValueError(f"bad --map entry '{part.strip()}' (use LABEL=VERDICT_OR_PERSONA, "
                                 "e.g. solo=on-target)")
            if out.get(label, target) != target:
                raise ValueError(f"--map gives label '{label}' twice: {label}={out[label]} and "
                                 f"{label}={target}")
            out[label] = target
    return out


def label_map(labels: Sequence[str], mapping: dict[str, str], persona_ids: Sequence[str]
              ) -> dict[str, str]:
    """Each label in the file -> the verdict name or persona id it stands for. Labels that are
    verdict names or pack ids stand for themselves. ValueError for a mapping to something
    unknown, or a label with no mapping."""
    known = set(VERDICT_TARGETS) | set(persona_ids)
    for label, target in mapping.items():
        if target not in known:
            raise ValueError(f"--map {label}={target}: '{target}' is neither a verdict "
                             f"({', '.join(VERDICT_TARGETS)}) nor a pack in use "
                             f"({', '.join(persona_ids)})")
    out = {}
    for label in labels:
        target = mapping.get(label, label if label in known else None)
        if target is None:
            unused = unused_map_labels(labels, mapping)
            hint = (f"; --map names {', '.join(repr(u) for u in unused)}, which no item has"
                    if unused else "")
            raise ValueError(f"unknown label '{label}': map it with --map {label}=VERDICT_OR_PERSONA "
                             f"(a verdict: {', '.join(VERDICT_TARGETS)}; or a pack id){hint}")
        out[label] = target
    return out


def unused_map_labels(labels: Sequence[str], mapping: dict[str, str]) -> list[str]:
    """The labels ``--map`` names that no item has (a typo, or a label of another file)."""
    present = set(labels)
    return [label for label in mapping if label not in present]


def ordered_labels(items: Sequence[Labelled], mapping: dict[str, str] | None = None
                   ) -> list[str]:
    """The labels in the file: those named in ``mapping`` in its order, then verdict names in
    their usual order, then the rest as they come."""
    seen = list(dict.fromkeys(it.label for it in items))
    first = [lab for lab in (mapping or {}) if lab in seen]
    verdicts = [v for v in VERDICT_LABELS if v in seen and v not in first]
    return first + verdicts + [x for x in seen if x not in first and x not in verdicts]


def verdict_names(target: str, verdict: Verdict) -> bool:
    """Whether a verdict is what a label's target stands for: the verdict itself, or for a
    persona id a wrong-audience or risk verdict naming that persona."""
    if target in VERDICT_TARGETS:
        return verdict.label == target
    return verdict.label in ("wrong-audience", "risk") and verdict.persona == target


def predicted_label(gold: str, verdict: Verdict, labels: dict[str, str]) -> str | None:
    """The label a verdict stands for: the gold label when it fits, else the first label that
    fits, else None (a miss for the gold label, a false positive for none)."""
    if verdict_names(labels[gold], verdict):
        return gold
    return next((lab for lab, target in labels.items() if verdict_names(target, verdict)), None)


def truth_personas(item: Labelled, labels: dict[str, str], target: str) -> frozenset[str]:
    """The personas an item attracts: its ``attracts`` list when it has one, else what its label
    stands for (a persona id; the target for on-target; the item's ``persona`` for a
    wrong-audience or risk label)."""
    if item.attracts is not None:
        return item.attracts
    mapped = labels[item.label]
    if mapped == "on-target":
        return frozenset({target})
    if mapped in ("wrong-audience", "risk", "mixed"):
        named = {item.persona} if item.persona else set()
        return frozenset(named | ({target} if mapped == "mixed" else set()))
    return frozenset() if mapped == "neutral" else frozenset({mapped})


def auc(scores_pos: Sequence[float], scores_neg: Sequence[float]) -> float | None:
    """Area under the ROC curve (Mann-Whitney U), ties counted half."""
    if not scores_pos or not scores_neg:
        return None
    wins = 0.0
    for p in scores_pos:
        for n in scores_neg:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(scores_pos) * len(scores_neg))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label != p)
        if tp + fp + fn:
            scores.append(prf(tp, fp, fn)[2])
    return sum(scores) / len(scores) if scores else 0.0


def verdict_metrics(items: Sequence[Labelled], verdicts: Sequence[Verdict],
                    labels: dict[str, str]) -> dict[str, Any]:
    """Verdict macro-F1 (DESIGN.md: the mean over the labels in the file of each label's F1;
    an item whose verdict maps to no label is a miss for its own label and a false positive
    for none), accuracy, per-label precision/recall/F1 and the confusion table."""
    gold = [it.label for it in items]
    pred = [predicted_label(it.label, v, labels) for it, v in zip(items, verdicts, strict=True)]
    present = [lab for lab in labels if lab in set(gold)]
    per_label = {}
    for lab in present:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == lab != g)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab != p)
        precision, recall, f1 = prf(tp, fp, fn)
        per_label[lab] = {"maps_to": labels[lab], "support": tp + fn, "precision": precision,
                          "recall": recall, "f1": f1}
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p if p is not None else NONE_COLUMN] += 1
    return {
        "n": len(items),
        "verdict_macro_f1": macro_f1(gold, pred, present),
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(items), 1),
        "labels": per_label,
        "confusion": {g: dict(confusion[g]) for g in present},
        "predicted": pred,
    }


def check_items(engine: Engine, items: Sequence[Labelled], mapping: dict[str, str] | None = None,
                group_by: str | None = None) -> dict[str, str]:
    """The label mapping for these items (see :func:`label_map`), after checking what would
    otherwise fail half-way: ValueError for an unknown label, mapping, channel or field."""
    labels = label_map(ordered_labels(items, mapping), mapping or {},
                       [p.id for p in engine.personas])
    channels = engine.config.channels
    for it in items:
        if it.channel not in channels:
            raise ValueError(f"{it.where or 'item ' + it.id}: unknown channel '{it.channel}' "
                             f"(known: {', '.join(channels)}; add yours under channels in the "
                             "config)")
    if group_by and all(group_value(it, group_by) == NONE_COLUMN for it in items):
        raise ValueError(f"--group-by {group_by}: no item has a field '{group_by}'")
    return labels


def evaluate(engine: Engine, items: list[Labelled], mapping: dict[str, str] | None = None,
             group_by: str | None = None) -> dict[str, Any]:
    """All metrics for one list of labelled pieces (``mapping``: user label -> verdict name or
    persona id, see :func:`label_map`; ``group_by``: a field to report accuracy per value of).
    ValueError as :func:`check_items` says."""
    personas = engine.personas
    target = engine.config.target
    labels = check_items(engine, items, mapping, group_by)
    results: list[PieceResult] = [engine.check_text(it.text, channel=it.channel, source=it.id)
                                  for it in items]
    out = verdict_metrics(items, [r.verdict for r in results], labels)
    pred = out.pop("predicted")
    out["macro_f1"] = out["verdict_macro_f1"]  # the older name
    truth = [truth_personas(it, labels, target) for it in items]
    on_target = [target in t and len(t) == 1 for t in truth]
    th = engine.config.thresholds
    out["personas"] = {}
    for p in personas:
        cut = th.risk if p.kind == "risk" else th.strong
        pos = [r.scores[p.id] for r, t in zip(results, truth, strict=True) if p.id in t]
        neg = [r.scores[p.id] for r, t in zip(results, truth, strict=True) if p.id not in t]
        tp = sum(1 for x in pos if x >= cut)
        fp = sum(1 for x in neg if x >= cut)
        precision, recall, f1 = prf(tp, fp, len(pos) - tp)
        m = {"kind": p.kind, "positives": len(pos), "precision": precision, "recall": recall,
             "f1": f1, "auc": auc(pos, neg)}
        if p.id != target:
            m["auc_vs_target"] = auc(pos, [r.scores[p.id] for r, t, only in
                                           zip(results, truth, on_target, strict=True)
                                           if only and p.id not in t])
        out["personas"][p.id] = m
    named = [(it, r) for it, r in zip(items, results, strict=True)
             if it.persona and labels[it.label] in ("wrong-audience", "risk", "mixed")
             and r.verdict.label == labels[it.label]]
    out["persona_named_right"] = (sum(1 for it, r in named if r.verdict.persona == it.persona)
                                  / len(named)) if named else None
    negatives = {p.id: sum(1 for t in truth if p.id not in t) for p in personas}
    fires: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for t, r in zip(truth, results, strict=True):
        fired = {(e.persona, e.group) for e in r.evidence
                 if e.kind == "cue" and not e.negated and e.weight > 0}
        for key in fired:
            fires[key].append(key[0] not in t)
    out["groups"] = []
    for (pid, group), flags in sorted(fires.items()):
        false = sum(flags)
        out["groups"].append({"persona": pid, "group": group, "fired": len(flags),
                              "false": false,
                              "fp_rate": false / negatives[pid] if negatives[pid] else 0.0})
    out["misses"] = [{"id": it.id, "gold": it.label, "predicted": p,
                      "verdict": {"label": r.verdict.label, "persona": r.verdict.persona},
                      "hard": it.hard, "scores": r.scores}
                     for it, r, p in zip(items, results, pred, strict=True) if p != it.label]
    if group_by:
        out["by_group"] = accuracy_by(items, pred, group_by)
    return out


def group_value(item: Labelled, field_name: str) -> str:
    """An item's value of a field, for grouping; a URL stands for its host."""
    known = {"id": item.id, "channel": item.channel, "split": item.split, "label": item.label,
             "persona": item.persona, "hard": item.hard}
    value = known[field_name] if field_name in known else item.meta.get(field_name)
    if value is None or value == "":
        return NONE_COLUMN
    text = str(value)
    if text.startswith(("http://", "https://")):
        from urllib.parse import urlsplit

        return urlsplit(text).hostname or text
    return text


def accuracy_by(items: Sequence[Labelled], pred: Sequence[str | None], field_name: str
                ) -> list[dict[str, Any]]:
    """Accuracy per value of a field (per source host, channel, split ...), worst first."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for it, p in zip(items, pred, strict=True):
        groups[group_value(it, field_name)].append(p == it.label)
    rows = [{"group": g, "n": len(hits), "correct": sum(hits), "accuracy": sum(hits) / len(hits)}
            for g, hits in groups.items()]
    return sorted(rows, key=lambda r: (r["accuracy"], -r["n"], r["group"]))


# --- grouped cross-validation (for anything fitted to a labelled set) ------------------------

#: ``fit(training items)`` returns a predictor: item -> the verdict it gives.
Fit = Callable[[list[Labelled]], Callable[[Labelled], Verdict]]


def grouped_cv(items: Sequence[Labelled], labels: dict[str, str], fit: Fit | None = None, *,
               folds: int = 5, group_by: str = "source") -> dict[str, Any] | None:
    """Out-of-fold verdict figures for a component fitted to ``items``, with all items of one
    group (one source host by default) in the same fold, so nothing is scored by a model that
    saw its site. None when nothing is fitted (``fit`` is None): the packs are not fitted to
    the set, so their plain figures stand. Plug a fitted component in here."""
    if fit is None:
        return None
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        by_group[group_value(it, group_by)].append(i)
    fold_of: dict[int, int] = {}
    sizes = [0] * folds
    for _, members in sorted(by_group.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        k = sizes.index(min(sizes))  # largest groups first, each into the smallest fold
        sizes[k] += len(members)
        fold_of.update((i, k) for i in members)
    verdicts: list[Verdict | None] = [None] * len(items)
    for k in range(folds):
        train = [it for i, it in enumerate(items) if fold_of[i] != k]
        test = [i for i in range(len(items)) if fold_of[i] == k]
        if not test or not train:
            continue
        predict = fit(train)
        for i in test:
            verdicts[i] = predict(items[i])
    out = verdict_metrics(items, [v or Verdict("neutral") for v in verdicts], labels)
    out.pop("predicted")
    out["folds"] = folds
    out["groups"] = len(by_group)
    return out


# --- output ----------------------------------------------------------------------------------

def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _said(verdict: dict[str, Any]) -> str:
    return verdict["label"] + (f" ({verdict['persona']})" if verdict["persona"] else "")


def to_json(res: dict[str, Any]) -> str:
    import json

    return json.dumps(res, indent=2, ensure_ascii=False, default=str) + "\n"


def render_text(res: dict[str, Any], title: str = "") -> str:
    """The figures as plain text for a terminal."""
    lines = [title] if title else []
    lines += [f"{res['n']} items: verdict macro-F1 {res['verdict_macro_f1']:.3f}, accuracy "
              f"{res['accuracy']:.3f}", ""]
    labels = list(res["labels"])
    width = max([len(x) for x in labels] + [12])
    lines.append(f"{'label':<{width}}  {'maps to':<22} {'n':>4} {'prec':>5} {'rec':>5} {'F1':>5}")
    for lab, m in res["labels"].items():
        lines.append(f"{lab:<{width}}  {m['maps_to']:<22} {m['support']:>4} {m['precision']:>5.2f} "
                     f"{m['recall']:>5.2f} {m['f1']:>5.2f}")
    lines += ["", f"{'persona':<24} {'pos':>4} {'AUC':>5} {'AUC vs target':>14}"]
    for pid, m in res["personas"].items():
        lines.append(f"{pid:<24} {m['positives']:>4} {_fmt(m['auc']):>5} "
                     f"{_fmt(m.get('auc_vs_target')) if 'auc_vs_target' in m else '':>14}")
    cols = [*labels, NONE_COLUMN]
    cw = max([len(c) for c in cols] + [5])
    lines += ["", "confusion (rows: truth, columns: the label the verdict maps to)",
              " " * width + "  " + " ".join(f"{c:>{cw}}" for c in cols)]
    for g in labels:
        row = res["confusion"].get(g, {})
        lines.append(f"{g:<{width}}  " + " ".join(f"{row.get(c, 0):>{cw}}" for c in cols))
    firing = [g for g in res["groups"] if g["false"]]
    if firing:
        lines += ["", "cue groups firing on items not mapped to their persona:"]
        lines += [f"  {g['persona']}/{g['group']}: FP rate {g['fp_rate']:.3f} (fired on "
                  f"{g['fired']}, {g['false']} of them not its persona's)"
                  for g in sorted(firing, key=lambda g: -g["fp_rate"])]
    if res.get("by_group"):
        lines += ["", "accuracy by group (worst first):"]
        lines += [f"  {r['group']}: {r['correct']}/{r['n']} ({r['accuracy']:.2f})"
                  for r in res["by_group"]]
    if res["misses"]:
        lines += ["", f"misses ({len(res['misses'])}):"]
        lines += [f"  {m['id']}: {m['gold']} -> {m['predicted'] or NONE_COLUMN} "
                  f"[{_said(m['verdict'])}]" for m in res["misses"]]
    return "\n".join(lines) + "\n"


def _markdown_result(res: dict[str, Any], *, misses: bool = True) -> list[str]:
    lines = [
        f"Verdict macro-F1 **{res['verdict_macro_f1']:.3f}**, accuracy {res['accuracy']:.3f}"
        + (f", persona named right when the label is right {_fmt(res['persona_named_right'])}"
           if res.get("persona_named_right") is not None else "") + ".",
        "",
        "| label | maps to | items | precision | recall | F1 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for lab, m in res["labels"].items():
        lines.append(f"| {lab} | {m['maps_to']} | {m['support']} | {m['precision']:.2f} | "
                     f"{m['recall']:.2f} | {m['f1']:.2f} |")
    lines += ["", "| persona | positives | precision | recall | F1 | AUC | AUC vs target only |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for pid, m in res["personas"].items():
        vs = _fmt(m["auc_vs_target"]) if "auc_vs_target" in m else ""
        lines.append(f"| {pid} | {m['positives']} | {m['precision']:.2f} | {m['recall']:.2f} | "
                     f"{m['f1']:.2f} | {_fmt(m['auc'])} | {vs} |")
    cols = [*res["labels"], NONE_COLUMN]
    lines += ["", "Confusion (rows: truth, columns: the label the verdict maps to):", "",
              "| truth \\ verdict | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for g in res["labels"]:
        row = res["confusion"].get(g, {})
        lines.append(f"| {g} | " + " | ".join(str(row.get(c, 0)) for c in cols) + " |")
    lines += ["", "<details><summary>Cue groups: firings and false-positive rate</summary>", "",
              "| persona | group | fired on | of which wrong | FP rate |", "|---|---|---:|---:|---:|"]
    for g in res["groups"]:
        lines.append(f"| {g['persona']} | {g['group']} | {g['fired']} | {g['false']} | "
                     f"{g['fp_rate']:.3f} |")
    lines += ["", "</details>", ""]
    if misses and res["misses"]:
        lines += ["<details><summary>Misses</summary>", "",
                  "| id | truth | verdict | hard case |", "|---|---|---|---|"]
        lines += [f"| {m['id']} | {m['gold']} | {_said(m['verdict'])} | {m['hard'] or ''} |"
                  for m in res["misses"]]
        lines += ["", "</details>", ""]
    return lines


def markdown(sections: list[tuple[str, str, dict[str, Any]]], command: str, seconds: float,
             real: list[tuple[str, dict[str, Any]]] | None = None,
             real_mapping: dict[str, str] | None = None) -> str:
    lines = [
        "# Accuracy",
        "",
        "Measured on `eval/labelled.yaml`: short pieces of marketing copy we wrote and labelled by "
        "hand across channels (landing, email, ad, social, blog), with hard cases tagged "
        "(negation, contrast, mixed pages, enterprise copy without buzzwords, small-team copy, "
        "bargain copy without the word sale, subtle creepiness, merge-tag leaks). `dev` is what "
        "packs and thresholds were tuned on; `holdout` was kept aside and not tuned against. "
        "Until December 2026 its texts were never read while tuning (its aggregate figures were "
        "looked at to catch overfitting and led to narrowing three additions); in the December "
        "round its misses were read, and two general cue kinds it lacked (stereotyping "
        "generalisations, a negated \"you won't need:\" list) were added with our own test "
        "sentences, so its figure is somewhat optimistic since. The real copy below, written by "
        "others, is the better measure of how the packs generalise.",
        "",
        f"Produced by `{command}` ({seconds:.0f} s); `antipersona eval FILE` measures the packs "
        "on your own labelled copy the same way.",
        "",
        "Verdict macro-F1 is the mean, over the labels in the set, of each label's F1; a verdict "
        "that maps to no label counts as a miss for the item's own label (column "
        f"`{NONE_COLUMN}`). A persona counts as predicted when its score reaches the `strong` "
        "threshold (the `risk` threshold for risk packs); the truth is the piece's `attracts` "
        "list (on the real set: what its label maps to, the target for on-target). AUC uses the "
        "raw scores against all other pieces; *AUC vs target only* against the pieces whose "
        "label maps to on-target. The cue-group false-positive rate is the share of pieces that "
        "do not attract the group's persona on which the group still fired (non-negated).",
        "",
    ]
    for profile, split, res in sections:
        lines += [f"## {profile} profile — {split} ({res['n']} pieces)", "",
                  *_markdown_result(res)]
    if real:
        mapped = ", ".join(f"{k} → {v}" for k, v in (real_mapping or {}).items())
        lines += [
            "## Real copy written by others (`real_dev.jsonl`)",
            "",
            "Short verbatim excerpts of public marketing copy, labelled by hand, kept outside the "
            "repository (`../shared/corpus/real_dev.jsonl`; only figures and item ids appear "
            f"here, never its texts). Labels mapped: {mapped}.",
            "",
            "How far these figures are in-sample: the cue kinds added for real copy (behavioural "
            "call-outs, targeting explanations, social-proof feeds, countdowns, individual use, "
            "organisation buying, price levels, refund and free-for-good leads, informational "
            "and quoted context, gifts and waived fees, past-progressive call-outs, "
            "stereotyping generalisations, urgency without stock phrases, rejecting what the "
            "reader does not need, prices with the currency after the number, a calm cart "
            "reminder as a weak cue) were written "
            "by people who read this set's misses, "
            "in general form (patterns and word families, no item's wording), so these figures "
            "are optimistic; the hidden sets scored after each round are the honest measure. "
            "Three constants were set by looking at this set and our own dev set together and "
            "are not cross-validated: tone adds at most 30 % of a persona's cue weight, "
            "informational cues add at most 0.3 per persona, and a merge-tag leak weighs 0.9. "
            "The `mixed_ratio` threshold was searched for and is cross-validated below with "
            "folds grouped by source host: each fold picks the ratio that scores best on the "
            "other folds' hosts. "
            "Two later additions were made without reading this set: shop-widget pressure "
            "shapes (stock counts, live and recent activity counts, purchase pop-ups, timers) "
            "were written from half the web sites of a public dark-pattern data set (Mathur "
            "et al. 2019) and checked on the other half, and documentation context (how-to "
            "steps, pointers to other pages, API reference lines, billing records being set "
            "up) from eight documentation repositories, each checked on repositories it was "
            "not written from; neither moved the figures here. "
            "In the December round five independent sets of real copy (740 excerpts from about "
            "350 public repository owners, none of them this set's sources: SaaS pages and docs, "
            "shop and lifecycle-email templates, pricing and returns copy, plugin listings, "
            "privacy copy, indie and personal tools; labelled by the guide before the tool saw "
            "them, kept outside the repository) were each split by repository owner into "
            "halves; fixes were written from the dev halves only and the held-out halves "
            "measured after: pooled held-out macro-F1 0.635 -> 0.666 (dev halves 0.626 -> "
            "0.796; held-out items not tagged borderline 0.718 -> 0.744; creepy AUC 0.77 -> "
            "0.79), so most of those fixes fit the copy they were written from. General rules "
            "from that round: a piece with template logic or three distinct placeholders is a "
            "template, so its merge tags are not leaks; an anti-persona leading a firing risk "
            "pack by 0.05 (was 0.15) leads the verdict, which still names the risk (this "
            "constant was set by reading those dev halves; "
            "the figures here are the same with either value). "
            "A second round built four more independent sets the same way (371 excerpts from "
            "about 310 owners and sites none of the earlier sets used: B2B SaaS pages, shop and "
            "lifecycle copy, personalisation and tracking copy, indie tools), measured untouched "
            "first: macro-F1 0.628. Fixes written from the first round's held-out halves (read "
            "only then) took it to 0.636; that set was then split by owner, and fixes written "
            "from its dev half moved that half 0.602 -> 0.699 and the held-out half 0.645 -> "
            "0.661 (creepy AUC 0.74). The general rule of that round: a term whose last word "
            "the lemma table does not know ('freelancer', 'setup') also matches its plural; "
            "it alone took our own held-out part from 0.842 to 0.861. A third round (265 "
            "excerpts from about 230 further owners and sites: help centres and plan pages, "
            "indie makers and small shops, lifecycle and tracking copy; a third of them tagged "
            "borderline by their labellers) scored 0.567 untouched and was split by owner: "
            "fixes written from its dev half moved that half 0.538 -> 0.672 and left the "
            "held-out half at 0.564 (round two's held-out half 0.661 -> 0.666). So on copy "
            "from sources no fix has seen, the verdicts agree with a labeller about 0.57-0.67 "
            "of the way (macro-F1), and each round's fixes mostly fit the copy they were "
            "written from. General rules of that round: a piece that reads as product "
            "documentation (a prerequisites list, an 'Available on:' header, 'once configured', "
            "a set-up step) counts Beth's admin-feature cues as informational (`in_docs: "
            "false`); a quotation's marks must not sit inside a word, so a quote nesting "
            "another is read whole. "
            "A fourth round (267 excerpts from about 200 further owners and sites: SaaS and "
            "prosumer pages, retail and consumer messages, vendor blogs, ads and fundraising "
            "appeals) scored 0.570 untouched (creepy AUC 0.66). Before it was read, one general "
            "signal was added: watching words (what the reader did, where they are, the crowd "
            "or clock pushing them) as a tone metric the over-personalisation pack counts from "
            "one word up with a small weight, so pieces no cue catches are ranked for that risk "
            "without a verdict of their own; on the held-out halves of rounds two to four "
            "(460 excerpts) it raised the creepy AUC from 0.72 to 0.80 and moved macro-F1 "
            "0.622 -> 0.625; the list was chosen as kinds of words and checked against the "
            "earlier halves in aggregate only, and on round four, which no choice saw, the "
            "creepy AUC went 0.66 -> 0.76 (macro-F1 0.570 -> 0.575). Fixes then written "
            "from round four's dev half moved that half 0.541 -> 0.689 and its held-out half "
            "0.599 -> 0.602. Organisation words were then added for Beth the same way (a "
            "negated one, as in 'no procurement', not counted, nor a negated watching word): "
            "her AUC rose on every set measured, by 0.01-0.07; four verdicts changed on "
            "sets already read (two for the better, two from on-target to mixed), none on the "
            "held-out halves of rounds two to four. "
            "Then a second reader was added: the wording lean (audit/analyze/lean.py), a "
            "logistic regression over the words and word pairs of 1,372 labelled excerpts "
            "(this set, the first round's five sets and the dev halves of rounds two to four; "
            "weights only, no text, in audit/data/lean.json, fitted by eval/fit_lean.py). It "
            "names an audience only for a piece no cue decides (neutral) whose wording leans "
            "clearly (probability at least 0.5 and 0.3 above neutral's: chosen, like the "
            "model's word-frequency floor, among a few values by the grouped cross-validation "
            "on this set and the held-out halves' aggregate figures, so the held-out figures "
            "are a little optimistic). On the held-out halves, whose items it "
            "was never fitted on, macro-F1 went 0.630 -> 0.679. Three guards were then "
            "added because our own tests' trap sentences "
            "('Episode 4 runs 1 hour 2 minutes 30 seconds', a purchase order in a manual) "
            "were being named: no lean under 16 words, none for a persona whose cues the "
            "piece holds, none where the cue reader took a cue back; with them the held-out "
            "halves read 0.669 (rounds two, three, four: 0.676 -> 0.708, 0.564 -> 0.605, "
            "0.602 -> 0.651; over-personalisation AUC 0.80 -> 0.83), our own held-out part "
            "0.861 -> 0.873. Below a verdict the wording then came to rank as well: in a "
            "piece no cue decides, each persona's score is at least a fifth of its "
            "probability (at most 0.2, no verdict changes; a rise under 0.01 is not made, so "
            "that faint ones do not reorder a run's outcome associations). The share was "
            "chosen among 0.2-0.35 and the floor among two values with the held-out AUCs in "
            "view: over-personalisation 0.83 -> 0.88 on the pooled held-out halves (rounds "
            "two, three, four: 0.85 -> 0.87, 0.87 -> 0.89, 0.75 -> 0.89), the bargain hunter "
            "0.92 -> 0.95, Beth 0.92 -> 0.93, the target 0.85 -> 0.86. "
            "As it was fitted with this set among its documents, the figure "
            "above is in-sample; its grouped cross-validation on this set is below. "
            "Later general rules were written from copy we wrote ourselves for page types a "
            "marketer crawls or drafts, without reading any labelled set: pages titled as legal "
            "terms, policy statements or release notes count their cues a tenth and take no "
            "wording lean; a short sentence that is a bare refusal ('No.', 'We said no.', "
            "'That's not us.') takes back the cues of the one before; an acronym's spelt-out "
            "definition informs; 'while stocks last' or 'seats are limited' alone is small print, "
            "not a risk; and more "
            "of the reader told back (an ordinal visit count, a cycle or credit score, the "
            "reader's street or city), multi-buy deals, 'pay what you want', a price locked in "
            "for life, several departments or thousands of staff as the reader's own, one "
            "maker, a solo trade, or the reader who does it all. None changed a verdict on "
            "this set, on our own labelled set, or on "
            "the 878 news and blog pages of a public extraction benchmark (trafilatura's "
            "evaluation pages, where one privacy policy page changed its cues' context), so "
            "only the hidden sets can show what they are worth. "
            "A December round then collected eight more sets of real copy (600 excerpts from "
            "about 540 sites and repositories, none used before; labelled by the guide before "
            "the tool saw them; kept outside the repository) and used them in turn, each "
            "batch of fixes written from sets already read and measured on sets not yet read. "
            "Fixes from the first 121 (strict returns terms such as 'store credit only', a "
            "restocking fee or 'final sale' count refund and guarantee cues a tenth, `in_terms: "
            "false`; release wording, explainer openings, availability notes and receipt "
            "lines inform; questions about a reader's circumstances, reasons given for an ad "
            "and proximity pushes are over-personalisation) moved them 0.655 -> 0.770 and "
            "left the next 160 where they were (0.744); fixes from 80 of those (bare "
            "quotations set out as a list, hyphenated phrases, year-in-review rankings, gated "
            "trials) moved those 80 0.713 -> 0.821 and the other 80 0.763 -> 0.772. The next "
            "160 scored 0.776 before and after both (over-personalisation AUC 0.86 -> 0.87), "
            "and 0.788 with the wording lean's gap to neutral lowered from 0.3 to 0.1 (three "
            "more pieces named, all rightly; no change on our own set, this set or "
            "trafilatura's pages). Fixes from those 160 (a shop feed's 'added this to her "
            "basket', recaps of the reader's activity, sample names sent as is, 'pay nothing, "
            "forever', glossary lines, a page offering a DPA courts Beth) moved them 0.788 -> "
            "0.849. The last 159, read by nothing: 0.785 at the start of the round, 0.791 "
            "after the first two batches and the lean's gap, 0.791 after the third (their "
            "two halves, from two collectors, read 0.686 -> 0.710 and 0.885 -> 0.871; "
            "over-personalisation AUC 0.95 -> 0.96). Three ideas were measured and dropped: "
            "letting wording that reads as neutral overrule cues (on 281 excerpts it fixed 11 "
            "verdicts and broke 3; on the next 160 it fixed 1 and broke 8), refitting the lean "
            "with the new excerpts (+0.017 one way, -0.008 the other), and reading a heading "
            "as informational when the sentence after it is (no verdict fixed, one broken). "
            "Rules written from reading misses keep mostly fitting the copy they were read "
            "from: on copy from new sources the verdicts agree with a labeller about 0.75-0.80 "
            "of the way (macro-F1), one collector's set to the next ranging 0.69-0.89. A "
            "second December round collected two more sets (155 excerpts from about 140 new "
            "sites, two in five tagged borderline by their labellers) and scored them "
            "untouched: macro-F1 0.657 on each (persona pieces called neutral were 19 of the "
            "28 misses of the second). Fixes written from the first only (a quotation after "
            "a copy field's label such as 'Subject line:' is the copy itself; availability "
            "notes said of a feature; a step through the product's screens marks "
            "documentation; a generic thing defined by its kind, and a page titled 'What is a "
            "...?', inform; a refusal in the section after an FAQ's question) moved it 0.658 "
            "-> 0.698 and the second, read by nothing, 0.657 -> 0.680. The wording lean was "
            "then updated rather than refitted (its first documents are no longer on hand): "
            "starting from the shipped weights and pulled toward them (eval/fit_lean.py "
            "--prior), fitted on this set, the 600 excerpts of the first December round and "
            "the first of the two new sets; grouped by site, the model alone read 0.83 "
            "against 0.38-0.81 per set for the model it updated, and with it the second new "
            "set, which it had not read, went 0.680 -> 0.708 (over-personalisation AUC 0.86 "
            "-> 0.89). On our own dev part it then named two everyday posts over-personalisation "
            "on their function words, so a risk pack is now named by the wording only when the "
            "content words lean to it too (no verdict on the real sets changed by that). The "
            "shipped model was refitted with the second set included after it was measured. "
            "A third December round collected seven more sets (424 excerpts from about 400 "
            "sites no earlier round used: software, retail, services and businesses outside "
            "software; about a third tagged borderline by their labellers). The first four "
            "(209) scored 0.707 untouched. Fixes written from two of them: lines of plain text "
            "pasted from a page's separate elements stay separate sentences, so a negation on "
            "one line no longer reaches the next; Beth's organisational buying outside software "
            "(credit terms, accounts payable, credit and resale paperwork, government and school "
            "buyers, wholesale and reseller programmes, HR systems and employee programmes, "
            "travel and spend policies, divisions and subsidiaries); over-personalisation in "
            "descriptions of content chosen by a person's place, searches or pay, and in a "
            "sender reciting the reader's credit score or income. The wording lean was updated "
            "with those four sets and now judges only wording it mostly knows (half of a "
            "piece's distinct words), which stopped it naming personas on trafilatura's German "
            "and Spanish news pages (neutral 814 -> 855 of 878). On the next three sets (215 "
            "excerpts collected after those changes and read by nothing), macro-F1 went from "
            "0.698 with the rules and lean of the round's start to 0.715 (trained profile "
            "0.703 -> 0.715; over-personalisation AUC 0.915 -> 0.918). They were then read: "
            "the trade's words for aiming ads by tracking (retargeting, remarketing, geofencing, "
            "location data put to use) and people saying an ad knew what they searched moved "
            "them to 0.732, and the lean was refitted with all seven sets (1,368 documents); a "
            "risk pack named by the wording now needs its content words alone to reach the lean "
            "threshold. Copy from new sources still agrees with a labeller about 0.70-0.73 of "
            "the way. A fourth December round collected nine more sets in three batches (577 "
            "excerpts from about 560 sites no earlier round used; two in five tagged borderline "
            "by their labellers, as the sources left get harder to find). Before any was read, "
            "a firing risk pack came to decide unless an anti-persona leads it by 0.05 "
            "(thresholds.risk_override 0.75 -> 0.4): three verdicts of 1,548 labelled ones "
            "changed, all to their labels. The first batch (264) scored 0.678 untouched; fixes "
            "from it (targeting by income, credit or psychographics, tracking whether contacts "
            "visit, audits and regulations for Beth) and a lean update with it moved the second "
            "(114, read by nothing) 0.659 -> 0.674. Fixes from the second (a price far below the "
            "usual one, exit-intent pop-ups, pushes as people walk past a shop) left the third "
            "(199, read by nothing) where it was: 0.638 at the round's start, 0.632 after. Then "
            "one change not written from any item: a verdict resting on about one cue (every "
            "score under 0.6) becomes neutral when the wording as a whole reads neutral "
            "(probability at least 0.5). Out of fold on the lean's 1,632 documents (each judged "
            "by a lean fitted without its site) it fixed 14 verdicts and broke 4; on the second "
            "and third batches, which the lean had not read, 7 and 1 (with the third batch's "
            "fixes, read after it was scored, 0.689); our own held-out part 0.873 -> 0.889. The "
            "lean was then refitted with all nine sets (1,945 documents; grouped by site the "
            "model alone reads 0.754, the newest sets 0.62-0.73); trafilatura's pages 853 -> 858 "
            "neutral of 878. Such a weak verdict now also names another persona when the "
            "wording reads clearly like its copy (probability at least 0.7): out of fold on "
            "the 1,945 it fixed 9 verdicts and broke none (at 0.5, 14 and 7); our own held-out "
            "part 0.889 -> 0.900. Three more sets collected after all of this (205 excerpts "
            "from about 200 new sites, read by nothing) scored 0.720 with the rules and lean of "
            "the round's start and 0.731 at its end (0.728 before the switch, whose threshold "
            "was chosen with these in view; trained profile 0.717 -> 0.728; "
            "over-personalisation AUC 0.893 -> 0.894). On the newest copy the verdicts agree "
            "with a labeller about 0.64-0.73 of the way before its misses are read. A fifth "
            "December round collected four more sets (219 excerpts from about 210 sites no "
            "earlier round used; help centres and lifecycle messages outside software, software "
            "pages, retail, B2B services and marketing-technology vendors) and scored them "
            "untouched: 0.691 (trained profile 0.681). Before any was read, one general change "
            "was fitted: cues and wording weighed together (audit/score/blend.py), a logistic "
            "regression over each persona's cue score and each label's wording probability, "
            "fitted by eval/fit_blend.py on the wording lean's out-of-fold probabilities for all "
            "the sets read before (2,150 excerpts, of which 2,045 it may judge), which changes a "
            "verdict where it gives another label a probability at least 0.1 above the "
            "verdict's own (never a mixed verdict, nor a risk flag except for an anti-persona "
            "that then leads; its guards were chosen with these sets' figures in view, so theirs "
            "below is a little optimistic). Grouped by site, the engine went 0.783 -> 0.795 (15 of the 25 "
            "sets up, 8 down); the four new sets, read by nothing, 0.691 -> 0.722 (trained "
            "0.681 -> 0.722; over-personalisation AUC 0.932 -> 0.936); our own held-out part "
            "0.900 -> 0.896; trafilatura's news pages 858 -> 848 neutral of 878. A sixth "
            "December round collected three more sets (153 excerpts from about 150 sites no "
            "earlier round used; consumer services, software tools, retail and travel; a third "
            "tagged borderline) and scored them untouched: 0.717. Two general changes followed, "
            "neither written from any item. The wording of a piece of more than 150 words is "
            "now read in windows of at most 150 (every labelled excerpt is shorter) and their "
            "probabilities averaged: no labelled real excerpt changed, trafilatura's news pages "
            "went 848 -> 855 neutral, our own held-out part 0.896 -> 0.912. Then the wording "
            "lean and the blend were refitted with the fourth and fifth rounds' sets (2,369 "
            "excerpts from 2,092 sites; grouped by site, the engine 0.773 without the blend "
            "and 0.786 with it): the new sets, still read by nothing, 0.717 -> 0.725; our own "
            "held-out part 0.925; trafilatura 856 of 878. A seventh December round collected "
            "three more sets (182 excerpts from about 180 sites no earlier round used; consumer "
            "services, software tools and their vendors, retail and travel; two in five tagged "
            "borderline) and scored them untouched: 0.699. The sixth round's sets were then "
            "read and the wording lean and the blend refitted with them (2,522 excerpts from "
            "2,238 sites; grouped by site, the engine 0.769 without the blend and 0.780 with "
            "it); the seventh round's sets, still read by nothing, 0.699 -> 0.705 "
            "(over-personalisation AUC 0.893 -> 0.888); our own held-out part and trafilatura's "
            "pages unchanged (0.925; 856 of 878). An eighth December round collected two more "
            "sets (120 excerpts from about 120 sites no earlier round used; small and local "
            "businesses and services, consumer apps and subscriptions) and scored them "
            "untouched: 0.629. The seventh round's sets, then the eighth's, were read; general "
            "rules written from them: a negator reached across a comma takes back only a list "
            "item, not the clause that starts after it; tracking described as it works is "
            "over-personalisation (the sites a person visits named as data, ads that follow "
            "people, the ad trade's names for targeted ads, traits inferred from behaviour, "
            "bought data appended to a list, a pixel that tags visitors, identity resolution, "
            "who will sell or move predicted from records, targeting by life events); an "
            "announced procedure, numbered set-up steps and a wizard's buttons mark "
            "documentation; money saved as the point, loyalty points and a rival's quote "
            "matched court the bargain hunter. On 2,884 excerpts read before, they fixed 11 "
            "verdicts and broke 2. The wording lean and the blend were then refitted with both "
            "rounds (2,824 excerpts from 2,535 sites; grouped by site, the engine 0.767 without "
            "the blend and 0.783 with it). A ninth round of two sets (122 excerpts from about 120 new "
            "sites: finance, insurance, health, education and nonprofits; media, marketplaces "
            "and B2B platforms; two in five tagged borderline), read by nothing: 0.625 with "
            "the round's starting rules and models, 0.632 after its rules, 0.648 after the "
            "refit (over-personalisation AUC 0.846 -> 0.851; trained profile 0.628 -> 0.653); "
            "our own held-out part unchanged (0.925); trafilatura's news pages 856 -> 853 "
            "neutral of 878. A "
            "tenth round of two sets, collected after all of that (117 excerpts from about 115 "
            "new sites: travel, food, events, gaming and fitness; home, property, cars and "
            "everyday retail), read by nothing: 0.707 with the round's starting rules and "
            "models, 0.700 after its rules, 0.689 after the refit; an eleventh (111 excerpts "
            "from about 85 new sources: emails and notifications, ads, social posts, app-store "
            "listings and hero sections) 0.795, 0.795 and 0.767. On the three rounds together "
            "(350 excerpts): 0.708 at the start, 0.707 after the rules, 0.701 after the refit, "
            "all within noise (about 0.03 on that many). On their 223 excerpts not tagged "
            "borderline the verdicts read 0.763, on the 127 tagged borderline 0.590. A lean "
            "that also reads the one-letter word 'I' was fitted alongside and read the same "
            "on all 350 (0.701), so the lean's words stay those of two letters or more. How "
            "consistent are the labels? Two more labellers of ours relabelled this set by the "
            "same guide, each on their own and without seeing its labels: they agreed with "
            "them at macro-F1 0.93 and 0.91 (Cohen's kappa 0.91 and 0.89) and with each "
            "other at 0.96; on its 124 excerpts not tagged borderline at 0.99, on the 65 "
            "tagged borderline at 0.82 and 0.76. So a careful reader agrees with these labels "
            "about nine times in ten, and the gap to the 0.70-0.76 the tool reads on new copy "
            "is the tool's, not the labels'. A twelfth round (120 excerpts from about 115 "
            "sites: software and B2B services; consumer offers, shops, travel and finance; "
            "the earlier rounds' source lists were no longer on hand, so only this set's "
            "sources were excluded) read 0.755 untouched (0.848 on the 76 not tagged "
            "borderline, 0.589 on the 44 tagged). One general change followed, not written "
            "from any item: a mixed verdict becomes on-target where cues and wording weighed "
            "together give the target at least 0.7 (labellers of real copy name the dominant "
            "pull); it stays mixed otherwise, because on our own copy written as mixed the "
            "weighing reads the anti-persona's side as strongly as on real copy labelled for "
            "that anti-persona. This set 0.952 -> 0.958 (two solo pieces fixed, none broken), "
            "our own dev part 0.961 -> 0.972, held-out part unchanged (0.925), the twelfth "
            "round 0.755 -> 0.760 (one fixed, none broken). A thirteenth round (1,062 "
            "excerpts from about 930 sites and repositories none of the earlier rounds used, "
            "collected in one day by sixteen collectors: software and B2B, consumer offers, "
            "developer tools, shop and app emails, enterprise vendors, tools for people who "
            "work alone, ads and deceptive-design examples, travel and apps, health, "
            "marketing technology, education, money, home and local life, media, "
            "electronics, IT and security; two in five tagged borderline) scored untouched "
            "0.794 (the first 120), 0.685 (the next 300), 0.841 (60 emails) and 0.658 (the "
            "last 462). Rules written from the first 480 (places left counted without 'only', "
            "members told who looked at their profile, prospects reported as they reach the "
            "site, sign-ups counted by the hour, a lifetime deal spelt apart) fixed 7 of them "
            "and none of the other 582 (0.689 before and after). Updating the wording lean "
            "with the first 480 (the shipped lean as prior, at four strengths of pull) lowered "
            "the lean alone on the other 582 from 0.789 to 0.767-0.787, so it was not "
            "updated. The weighing of cues and wording was instead refitted on all 1,062 with "
            "the lean as shipped (eval/fit_blend.py --lean): none of them was among the lean's "
            "documents, so its readings there are what new copy gets. Grouped by site, the "
            "engine reads 0.681 without a blend, 0.719 with the previous blend and 0.734 with "
            "the refit (a switch now also needs its label at 0.36 or more, chosen by that "
            "cross-validation: 0 to 0.36 read alike, 0.4 read 0.724); over-personalisation "
            "AUC 0.90 on the 1,062. This set 0.958 -> 0.963, our own dev part 0.972 -> 0.964 "
            "and held-out part 0.925 -> 0.910 (a museum talk with free entry is now named "
            "the bargain hunter's, a committee memo neutral); of trafilatura's 922 evaluation "
            "pages 897 -> 893 are neutral.",
            "",
        ]
        for profile, res in real:
            lines += [f"### {profile} profile ({res['n']} pieces)", "", *_markdown_result(res)]
            cv = res.get("grouped_cv")
            lines += ["Grouped cross-validation of the `mixed_ratio` threshold (folds by source "
                      "host; the wording lean as fitted, with all of this set): "
                      + (f"macro-F1 {cv['verdict_macro_f1']:.3f}, accuracy {cv['accuracy']:.3f} "
                         f"over {cv['folds']} folds of {cv['groups']} hosts."
                         + (f" Ratios chosen per fold: {', '.join(map(str, cv['chosen']))}."
                            if cv.get("chosen") else "")
                         if cv else "none, as nothing here is fitted to this set."), ""]
            lines += [_lean_cv_line(path_name="real_dev.jsonl"), "",
                      _blend_cv_line(path_name="real_dev.jsonl"), ""]
    return "\n".join(lines) + "\n"


def _lean_cv_line(path_name: str) -> str:
    """The wording lean's grouped cross-validation on a training file, as recorded in the
    model when it was fitted (refitting takes minutes and needs files kept outside)."""
    from .analyze.lean import shipped_model

    about = shipped_model().about
    cv = (about.get("grouped_cv_engine") or {}).get(path_name)  # type: ignore[union-attr]
    if not cv:
        return "The wording lean records no cross-validation on this set."
    prior = about.get("update_of") or {}
    # The fit it updated may have read this set (the real set was among its documents), so
    # the held-out folds here are not wholly unseen.
    update = (f"; an update of a fit of {prior.get('fitted')} on {prior.get('documents')} "
              "excerpts whose documents may include this set, so the figure may be optimistic"
              if isinstance(prior, dict) and prior else "")
    return (f"Wording lean, grouped cross-validation (folds by source site, fitted "
            f"{about.get('fitted')} on {about.get('documents')} excerpts{update}; each fold's "
            f"pieces judged by the model fitted without that fold): macro-F1 "
            f"{cv['with_lean']:.3f} with the lean against {cv['without_lean']:.3f} without it, "
            f"over {cv['items']} pieces (the fast profile, the `mixed_ratio` in use).")


def _blend_cv_line(path_name: str) -> str:
    """The grouped cross-validation of cues and wording weighed together, as recorded in the
    blend model when eval/fit_blend.py fitted it."""
    from .score.blend import shipped_blend

    about = shipped_blend().about
    cv = (about.get("grouped_cv_engine_by_file") or {}).get(path_name)  # type: ignore[union-attr]
    overall = about.get("grouped_cv_engine_macro_f1") or {}
    if not isinstance(overall, dict) or not overall:
        return "Cues and wording weighed together: no cross-validation recorded."
    if not cv:  # fitted on other copy only: its figures are for that copy
        return (f"Cues and wording weighed together (audit/score/blend.py), fitted "
                f"{about.get('fitted')} on {about.get('documents')} excerpts from "
                f"{about.get('sources')} other sites, none of them this set's and none read by "
                "the wording lean: for the blend this set's figure above is out of sample (the "
                "lean did read this set). Its grouped cross-validation on those excerpts "
                f"(folds by source site): macro-F1 {overall.get('with_blend'):.3f} with the "
                f"blend against {overall.get('without_blend'):.3f} without it.")
    return (f"Cues and wording weighed together (audit/score/blend.py), grouped cross-validation "
            f"(folds by source site, fitted {about.get('fitted')} on {about.get('documents')} "
            f"excerpts of {about.get('documents_read')} read; each fold's pieces judged by a "
            "lean and a blend fitted without that fold): on this set macro-F1 "
            f"{cv['with_blend']:.3f} with the blend against {cv['without_blend']:.3f} without "
            f"it over {cv['items']} pieces; over all {about.get('documents_read')} excerpts "
            f"{overall.get('with_blend'):.3f} against {overall.get('without_blend'):.3f}.")


#: The real corpus beside the repository, and what its labels stand for (its README).
REAL_FILE = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real_dev.jsonl"
REAL_MAP = {"solo": "on-target", "enterprise": "beth-bureaucrat", "bargain": "bargain-hunter",
            "creepy": "over-personalization", "neutral": "neutral"}


def run(profiles: list[str], config: Config, path: Path = EVAL_FILE
        ) -> list[tuple[str, str, dict[str, Any]]]:
    items = load_set(path)
    out = []
    for profile in profiles:
        engine = Engine(config, model=profile)
        for split in ("dev", "holdout"):
            subset = [it for it in items if it.split == split]
            out.append((engine.profile, split, evaluate(engine, subset)))
    return out


MIXED_RATIOS = (0.5, 0.6, 0.7, 0.8)


def mixed_ratio_fit(engine: Engine, labels: dict[str, str],
                    ratios: Sequence[float] = MIXED_RATIOS) -> tuple[Fit, list[float]]:
    """The ``mixed_ratio`` threshold fitted as it was chosen: the ratio with the best verdict
    macro-F1 on the training items. Returns the fit and the list it records its choices in."""
    th = engine.config.thresholds
    engines = {r: Engine(replace(engine.config, thresholds=replace(th, mixed_ratio=r)),
                         personas=engine.personas, pipeline=engine.pipeline) for r in ratios}
    seen: dict[tuple[float, str], Verdict] = {}
    chosen: list[float] = []

    def verdict(r: float, it: Labelled) -> Verdict:
        key = (r, it.id)
        if key not in seen:
            seen[key] = engines[r].check_text(it.text, channel=it.channel, source=it.id).verdict
        return seen[key]

    def fit(train: list[Labelled]) -> Callable[[Labelled], Verdict]:
        best = max(ratios, key=lambda r: verdict_metrics(
            train, [verdict(r, it) for it in train], labels)["verdict_macro_f1"])
        chosen.append(best)
        return lambda it: verdict(best, it)

    return fit, chosen


def run_real(profiles: list[str], config: Config, path: Path = REAL_FILE
             ) -> list[tuple[str, dict[str, Any]]]:
    """The real set, per profile, with grouped cross-validation of the fitted threshold."""
    items = load_labelled(path)
    out = []
    for profile in profiles:
        engine = Engine(config, model=profile)
        res = evaluate(engine, items, REAL_MAP, group_by="source")
        labels = label_map(ordered_labels(items, REAL_MAP), REAL_MAP,
                           [p.id for p in engine.personas])
        fit, chosen = mixed_ratio_fit(engine, labels)
        cv = grouped_cv(items, labels, fit)
        if cv is not None:
            cv["chosen"] = chosen
        res["grouped_cv"] = cv
        out.append((engine.profile, res))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m audit.evaluate", description=__doc__)
    ap.add_argument("--write", type=Path, help="write the Markdown report here")
    ap.add_argument("--profile", action="append", choices=["fast", "trained"],
                    help="profiles to measure (default: fast, and trained when installed)")
    ap.add_argument("--set", type=Path, default=EVAL_FILE, help="labelled set (YAML)")
    ap.add_argument("--real", type=Path, default=REAL_FILE,
                    help="real labelled copy (JSONL), measured too when the file exists")
    args = ap.parse_args(argv)
    profiles = args.profile or (["fast", "trained"] if installed_trained_model() else ["fast"])
    start = time.perf_counter()
    config = load_config()
    sections = run(profiles, config, args.set)
    real = run_real(profiles, config, args.real) if args.real.is_file() else None
    command = "make eval" if args.write else "python -m audit.evaluate"
    text = markdown(sections, command, time.perf_counter() - start, real, REAL_MAP)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    rows = [(profile, split, res) for profile, split, res in sections]
    rows += [(profile, "real", res) for profile, res in real or []]
    for profile, split, res in rows:
        per = ", ".join(f"{pid} AUC {_fmt(m['auc'])}"
                        + (f"/{_fmt(m['auc_vs_target'])}" if "auc_vs_target" in m else "")
                        for pid, m in res["personas"].items())
        labels = ", ".join(f"{lab} {m['f1']:.2f}" for lab, m in res["labels"].items())
        print(f"{profile:7} {split:7} macro-F1 {res['verdict_macro_f1']:.3f}  "
              f"acc {res['accuracy']:.3f}  F1: {labels}  {per}")
    if real is None:
        print(f"(no {args.real}: the real set was not measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
