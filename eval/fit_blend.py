"""Fit the model that weighs cues and wording together (audit/data/blend.json) on labelled real
copy, and measure it with cross-validation grouped by source.

Its inputs are each persona's cue score (the engine with the lean off) and each label's
wording probability. Those probabilities come from wording-lean models fitted as
eval/fit_lean.py fits the shipped one, five times, each without one fold of sites: the blend
learns how far to trust the lean on copy the lean has not read, as it will be used. Pass the
same files, ``--prior`` and ``--lam`` as the shipped lean's fit (its ``about`` block records
them; the December prior is ``git show 9a6c294:audit/data/lean.json``).

With ``--lean LEAN.json`` the lean is not refitted: that model reads every item, for copy it
has never read (sets collected after it was fitted, from sites it was not fitted on). Its
probabilities are then what the engine will see on new copy, and the blend learns how far to
trust the shipped lean itself; the older documents need not be on hand.

    .venv/bin/python eval/fit_blend.py --map ... --lean audit/data/lean.json NEW.jsonl...

A multinomial logistic regression over those few numbers, fitted by gradient descent with an
L2 penalty, on the pieces the engine lets it judge (16 to 1,500 words the lean mostly knows,
not a policy, release-notes or explainer page). Grouped cross-validation: for each fold the
engine runs with that fold's lean and blend in place of the shipped ones, on the items of the
fold, with the blend off and on; the figures land in the model's ``about`` block.

    .venv/bin/python eval/fit_blend.py --map solo=susie-solopreneur,enterprise=beth-bureaucrat,\\
        bargain=bargain-hunter,creepy=over-personalization,neutral=neutral \\
        --prior PRIOR.json --lam 3e-4 ../shared/corpus/real_dev.jsonl MORE.jsonl...
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from fit_lean import FOLDS, descend, fit, labelled_folds  # noqa: E402

from audit.analyze.lean import MAX_WORDS, MIN_WORDS, NEUTRAL, LeanModel  # noqa: E402
from audit.analyze.pagekinds import page_kind  # noqa: E402
from audit.evaluate import Labelled, macro_f1  # noqa: E402
from audit.score.blend import BLEND_FILE, BlendModel  # noqa: E402


def fit_blend(x: np.ndarray, y: np.ndarray, k: int, lam: float, steps: int = 3000,
              rate: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x labels) and biases of a multinomial logistic regression."""
    return descend(x, y, np.zeros((x.shape[1], k)), np.zeros(k), lam, steps, rate)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("files", nargs="+", type=Path, help="labelled JSONL/YAML/CSV (text, label, source)")
    ap.add_argument("--map", required=True,
                    help="LABEL=PERSONA_ID_OR_neutral,... for every label used")
    ap.add_argument("--prior", type=Path, default=None, help="the prior of the lean's fit")
    ap.add_argument("--lam", type=float, default=3e-4, help="the lean's L2 penalty")
    ap.add_argument("--lean", type=Path, default=None,
                    help="read every item with this lean model, not refitted (copy it never read)")
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--l2", type=float, default=3e-3, help="the blend's L2 penalty")
    ap.add_argument("-o", "--output", type=Path, default=BLEND_FILE)
    args = ap.parse_args(argv)
    if args.lean is not None and args.prior is not None:
        ap.error("--lean reads the items with a fitted lean; --prior refits one: give either")

    from audit.config import load_config
    from audit.engine.engine import Engine

    config = load_config(None)
    on = Engine(config, model="fast")
    cues_only = Engine(replace(config, thresholds=replace(config.thresholds, lean=1.0)),
                       personas=on.personas, pipeline=on.pipeline)
    no_blend = Engine(replace(config, thresholds=replace(config.thresholds, blend=1.0)),
                      personas=on.personas, pipeline=on.pipeline)
    persona_ids = tuple(sorted(p.id for p in on.personas))
    mapping = dict(part.split("=", 1) for part in args.map.split(","))
    if set(mapping.values()) - {NEUTRAL} != set(persona_ids):
        ap.error(f"--map must name every loaded persona ({', '.join(persona_ids)}) and neutral")
    labels, items, docs, y, groups, folds = labelled_folds(args.files, mapping)
    prior = LeanModel.read(args.prior) if args.prior else None
    if args.lean is not None:
        leans = [LeanModel.read(args.lean)] * FOLDS
    else:
        leans = [fit([d for d, f in zip(docs, folds, strict=True) if f != k], y[folds != k],
                     labels, args.min_df, args.lam, args.steps, prior=prior)
                 for k in range(FOLDS)]

    rows, judged = [], []
    for (_, it), d, f in zip(items, docs, folds, strict=True):
        scores = cues_only.check_text(it.text, channel=it.channel, source=it.id).scores
        lean = leans[f]
        known = lean.known(d)
        words = len(it.text.split())
        judged.append(MIN_WORDS <= words <= MAX_WORDS and lean.reads(d, known)
                      and not page_kind(it.text))
        rows.append([scores.get(p, 0.0) for p in persona_ids]
                    + [lean.probabilities(known)[x] for x in labels])
    x, ok = np.array(rows), np.array(judged)

    def model(w: np.ndarray, b: np.ndarray, about: dict[str, object]) -> BlendModel:
        return BlendModel(tuple(labels), persona_ids, tuple(labels),
                          tuple(tuple(round(float(v), 4) for v in row) for row in w),
                          tuple(round(float(v), 4) for v in b), about)

    blends = [model(*fit_blend(x[ok & (folds != k)], y[ok & (folds != k)], len(labels), args.l2), {})
              for k in range(FOLDS)]

    def said(engine: Engine, it: Labelled) -> str:
        v = engine.check_text(it.text, channel=it.channel, source=it.id).verdict
        if v.label == "on-target":
            return config.target
        return NEUTRAL if v.label == "neutral" else v.persona or v.label

    by_file: dict[str, dict[str, list[str]]] = {}
    for (path, it), f, gold in zip(items, folds, y, strict=True):
        on.lean_model = no_blend.lean_model = leans[f]
        on.blend_model = blends[f]
        got = by_file.setdefault(path.name, {"gold": [], "without": [], "with": []})
        got["gold"].append(labels[gold])
        got["without"].append(said(no_blend, it))
        got["with"].append(said(on, it))

    def f1(part: str, names: list[str] | None = None) -> float:
        keys = names or list(by_file)
        return round(macro_f1([g for n in keys for g in by_file[n]["gold"]],
                              [g for n in keys for g in by_file[n][part]], labels), 3)

    w, b = fit_blend(x[ok], y[ok], len(labels), args.l2)
    about: dict[str, object] = {
        "what": "cues and wording weighed together, see audit/score/blend.py; fitted by "
                "eval/fit_blend.py",
        "fitted": dt.date.today().isoformat(),
        "documents": int(ok.sum()), "documents_read": len(items), "sources": len(set(groups)),
        "l2": args.l2,
        **({"lean": f"as fitted on {(leans[0].about or {}).get('fitted')}, not refitted; "
                    "these documents given as copy it never read"} if args.lean else
           {"lean_l2": args.lam,
            "lean_prior": (prior.about or {}).get("fitted") if prior else None}),
        "grouped_cv_engine_macro_f1": {"without_blend": f1("without"), "with_blend": f1("with")},
        "grouped_cv_engine_by_file": {n: {"items": len(v["gold"]), "without_blend": f1("without", [n]),
                                          "with_blend": f1("with", [n])}
                                      for n, v in by_file.items()},
    }
    try:  # what this fit replaces, in a line
        was = BlendModel.read(args.output).about
    except (OSError, ValueError, KeyError, TypeError):
        was = {}  # nothing there yet, or not a blend model
    if was:
        about["replaces"] = {k: was[k] for k in ("fitted", "documents", "sources",
                                                 "grouped_cv_engine_macro_f1") if k in was}
    blend = model(w, b, about)
    args.output.write_text(blend.to_json(), encoding="utf-8")
    print(f"{args.output}: fitted on {int(ok.sum())} of {len(items)} documents; grouped CV, "
          f"engine macro-F1 {f1('without')} without the blend, {f1('with')} with it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
