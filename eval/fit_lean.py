"""Fit the wording-lean model (audit/data/lean.json) on labelled real copy, and measure it with
cross-validation grouped by source.

The labelled files stay outside the repository (real copy is for measuring, never shipped); the
model keeps only words, word pairs and their weights. A multinomial logistic regression over
present/absent terms (words and adjacent pairs seen in at least ``--min-df`` documents), each
document's features scaled by the square root of their count, fitted by full-batch gradient
descent with a small L2 penalty: a few lines of numpy.

With ``--prior LEAN.json`` the fit is an update of that model rather than a fresh one: it starts
from the prior's weights and its penalty (``--lam``) pulls toward them instead of toward zero,
so the words only new copy holds are learnt and what the prior learnt from copy no longer on
hand is kept (its documents' counts add up in ``about``). The vocabulary is the prior's and the
new copy's terms.

Grouped cross-validation: all items of one site (or GitHub owner) in the same of five folds. For
each file given with ``--report``, the engine is run with the lean off, and with it on and
each item's fold model in place of the shipped one (``Engine.lean_model``); the figures land
in the model's ``about`` block, which ``make eval`` prints.

    .venv/bin/python eval/fit_lean.py --map solo=susie-solopreneur,enterprise=beth-bureaucrat,\\
        bargain=bargain-hunter,creepy=over-personalization,neutral=neutral \\
        --report ../shared/corpus/real_dev.jsonl ../shared/corpus/real_dev.jsonl MORE.jsonl...
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audit.analyze.lean import LEAN_FILE, NEUTRAL, LeanModel, terms_of  # noqa: E402
from audit.evaluate import Labelled, load_labelled, macro_f1  # noqa: E402

FOLDS = 5


def source_group(item: Labelled, path: Path) -> str:
    """The site an item comes from (a GitHub owner for github.com), for grouped folds."""
    src = str(item.meta.get("source") or "")
    host = urlsplit(src).netloc.lower().removeprefix("www.")
    if not host:
        return f"{path.name}:{item.id}"
    if host == "github.com":
        return "github:" + urlsplit(src).path.strip("/").split("/")[0].lower()
    return host


def descend(x: np.ndarray, y: np.ndarray, w0: np.ndarray, b0: np.ndarray, lam: float,
            steps: int, rate: float, pull_bias: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Weights and biases of a multinomial logistic regression by full-batch gradient descent
    from ``w0``/``b0``, its L2 penalty pulling toward them (the biases too with
    ``pull_bias``)."""
    w, b = w0.copy(), b0.copy()
    onehot = np.eye(len(b0))[y]
    for _ in range(steps):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = p - onehot
        w -= rate * (x.T @ grad / len(y) + lam * (w - w0))
        b -= rate * (grad.mean(axis=0) + (lam * (b - b0) if pull_bias else 0.0))
    return w, b


def fit(docs: list[set[str]], y: np.ndarray, labels: list[str], min_df: int, lam: float,
        steps: int = 1500, rate: float = 8.0, prior: LeanModel | None = None) -> LeanModel:
    df = Counter(t for d in docs for t in d)
    vocab = sorted({t for t, c in df.items() if c >= min_df} | set(prior.weights if prior else ()))
    index = {t: i for i, t in enumerate(vocab)}
    x = np.zeros((len(docs), len(vocab)), dtype=np.float64)
    for r, d in enumerate(docs):
        cols = [index[t] for t in d if t in index]
        x[r, cols] = 1.0 / np.sqrt(len(cols) + 1)
    k = len(labels)
    # The penalty pulls toward the prior's weights (zero without one).
    w0 = np.zeros((len(vocab), k))
    b0 = np.zeros(k)
    if prior is not None:
        order = [prior.labels.index(label) for label in labels]
        for t, ws in prior.weights.items():
            w0[index[t]] = [ws[i] for i in order]
        b0 = np.asarray([prior.bias[i] for i in order], dtype=np.float64)
    w, b = descend(x, y, w0, b0, lam, steps, rate, pull_bias=prior is not None)
    weights = {t: [round(float(v), 4) for v in w[i]] for t, i in index.items()}
    return LeanModel(labels, [round(float(v), 4) for v in b], weights)


def labelled_folds(files: list[Path], mapping: dict[str, str]) -> tuple[
        list[str], list[tuple[Path, Labelled]], list[set[str]], np.ndarray, list[str], np.ndarray]:
    """The labels (personas, then neutral), the mapped items of ``files`` with their terms and
    label indices, each item's site and its fold: the sites shuffled with a fixed seed and
    dealt into FOLDS folds, so every fit of these files splits them alike."""
    labels = [*sorted({v for v in mapping.values() if v != NEUTRAL}), NEUTRAL]
    items: list[tuple[Path, Labelled]] = []
    for path in files:
        items += [(path, it) for it in load_labelled(path) if it.label in mapping]
    docs = [terms_of(it.text) for _, it in items]
    y = np.array([labels.index(mapping[it.label]) for _, it in items])
    groups = [source_group(it, path) for path, it in items]
    order = np.random.default_rng(0).permutation(sorted(set(groups)))
    fold_of = {g: i % FOLDS for i, g in enumerate(order)}
    return labels, items, docs, y, groups, np.array([fold_of[g] for g in groups])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("files", nargs="+", type=Path, help="labelled JSONL/YAML/CSV (text, label, source)")
    ap.add_argument("--map", required=True,
                    help="LABEL=PERSONA_ID_OR_neutral,... for every label used")
    ap.add_argument("--report", action="append", type=Path, default=[],
                    help="also measure the engine with the lean on this file (grouped CV)")
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--lam", type=float, default=1e-5)
    ap.add_argument("--prior", type=Path, default=None,
                    help="a lean model to update (its weights are the start and the pull)")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("-o", "--output", type=Path, default=LEAN_FILE)
    args = ap.parse_args(argv)
    prior = LeanModel.read(args.prior) if args.prior else None

    mapping = dict(part.split("=", 1) for part in args.map.split(","))
    labels, items, docs, y, groups, folds = labelled_folds(args.files, mapping)

    oof: list[LeanModel] = [fit([d for d, f in zip(docs, folds, strict=True) if f != k],
                                y[folds != k], labels, args.min_df, args.lam, args.steps,
                                prior=prior) for k in range(FOLDS)]
    pred = [labels.index(max(m.probabilities(m.known(d)).items(), key=lambda kv: kv[1])[0])
            for d, m in zip(docs, (oof[f] for f in folds), strict=True)]
    cv_alone = macro_f1([labels[i] for i in y], [labels[i] for i in pred], labels)
    model = fit(docs, y, labels, args.min_df, args.lam, args.steps, prior=prior)
    about: dict[str, object] = {
        "what": "wording lean, see audit/analyze/lean.py; fitted by eval/fit_lean.py",
        "fitted": dt.date.today().isoformat(),
        "documents": len(docs), "terms": len(model.weights),
        "documents_per_label": dict(Counter(labels[i] for i in y)),
        "sources": len(set(groups)), "min_df": args.min_df, "l2": args.lam,
        "grouped_cv_model_alone_macro_f1": round(cv_alone, 3),
        "grouped_cv_model_alone_by_file": {
            path.name: round(macro_f1([labels[i] for i, (p, _) in zip(y, items, strict=True)
                                       if p == path],
                                      [labels[i] for i, (p, _) in zip(pred, items, strict=True)
                                       if p == path], labels), 3)
            for path in args.files},
    }
    if prior is not None:
        # What the update started from, with its own figures (documents both fits read, such
        # as a shared real set, count in each).
        about["update_of"] = dict(prior.about or {})
    reports = {}
    for path in args.report:
        reports[path.name] = report(path, items, oof, folds, mapping)
    if reports:
        about["grouped_cv_engine"] = reports
    model.about = about
    args.output.write_text(_dump(model), encoding="utf-8")
    print(f"{args.output}: {len(model.weights)} terms from {len(docs)} documents; "
          f"grouped CV, model alone: macro-F1 {cv_alone:.3f}")
    for name, figures in reports.items():
        print(f"  {name}: {figures}")
    return 0


def report(path: Path, items: list[tuple[Path, Labelled]], oof: list[LeanModel],
           folds: np.ndarray, mapping: dict[str, str]) -> dict[str, float]:
    """Verdict macro-F1 of the engine on ``path`` with the lean off, and with it on, each item
    judged by the model fitted without its fold (an item outside the training documents by
    the first fold's)."""
    from audit.config import load_config
    from audit.engine.engine import Engine

    config = load_config(None)
    on = Engine(config, model="fast")
    off = Engine(replace(config, thresholds=replace(config.thresholds, lean=1.0)),
                 personas=on.personas, pipeline=on.pipeline)
    fold_by_id = {(p.resolve(), it.id): int(f) for (p, it), f in zip(items, folds, strict=True)}

    def said(engine: Engine, it: Labelled) -> str:
        v = engine.check_text(it.text, channel=it.channel, source=it.id).verdict
        if v.label == "on-target":
            return config.target
        return NEUTRAL if v.label == "neutral" else v.persona or v.label

    gold, without, with_lean = [], [], []
    for it in load_labelled(path):
        if it.label not in mapping:
            continue
        on.lean_model = oof[fold_by_id.get((path.resolve(), it.id), 0)]
        gold.append(mapping[it.label])
        without.append(said(off, it))
        with_lean.append(said(on, it))
    labs = sorted(set(gold))
    return {"items": len(gold), "without_lean": round(macro_f1(gold, without, labs), 3),
            "with_lean": round(macro_f1(gold, with_lean, labs), 3)}


def _dump(model: LeanModel) -> str:
    """JSON with one term a line: diffs of a refit stay readable."""
    import json

    head = json.dumps({"about": model.about, "labels": model.labels, "bias": model.bias},
                      indent=1, ensure_ascii=False)[:-2]
    lines = [f"  {json.dumps(t, ensure_ascii=False)}: {json.dumps(w)}"
             for t, w in sorted(model.weights.items())]
    return head + ',\n "weights": {\n' + ",\n".join(lines) + "\n }\n}\n"


if __name__ == "__main__":
    raise SystemExit(main())
