"""A deterministic benchmark corpus built only from the project's own copy.

Sentences and headlines come from ``eval/labelled.yaml`` and ``examples/drafts`` (our own
hand-written marketing copy); they are reshuffled and recombined into paragraphs (blank lines
between them) and documents. The same documents are written two ways:

* ``large/corpus.txt`` -- ONE plain-text file of all documents (~400,000 words), and
* ``small/doc-NNNN.md|.txt`` -- 2,000 small files of ~200 words each, alternating Markdown
  (``# heading``) and plain text (headline line).

Nothing is downloaded; the same seed gives byte-identical files.

    .venv/bin/python bench/corpus.py OUTDIR [--words 400000] [--files 2000]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(£$€])")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•]\s+|\d+[.)]\s+|>\s*)")

#: Lexicon-free connective filler written for this benchmark (no persona cues in it).
_FILLER = (
    "That is the short version.",
    "Here is how the rest of it goes.",
    "The details follow below.",
    "Read on for the part that matters most.",
    "It works the same way on a phone.",
    "Most people find this part quick.",
    "The next section covers the rest.",
    "Nothing else changes on your side.",
)


@dataclass(slots=True)
class Sources:
    sentences: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Corpus:
    root: Path
    large: Path
    small_dir: Path
    small: list[Path]
    words: int
    #: Documents as (headline, [paragraph, ...]); the large file and the small files hold them.
    documents: list[tuple[str, list[str]]]

    def paragraphs(self) -> list[str]:
        """Every paragraph (headlines included) in the order they appear in the large file."""
        out: list[str] = []
        for head, paras in self.documents:
            out.append(head)
            out.extend(paras)
        return out


def _clean(line: str) -> str:
    line = _MD_LINK.sub(lambda m: m.group(1), line)
    line = _URL.sub("", line)
    line = _MARKERS.sub("", line)
    line = line.replace("**", "").replace("__", "").replace("`", "")
    return " ".join(line.split())


def _add_text(text: str, src: Sources) -> None:
    for raw in text.splitlines():
        line = _clean(raw)
        if not line or len(line.split()) < 2:
            continue
        if re.match(r"^(subject|preheader|preview|headline|title|cta)\s*:", line, re.I):
            line = line.split(":", 1)[1].strip()
            if line:
                src.headlines.append(line)
            continue
        if not line.rstrip().endswith((".", "!", "?", ":", ";", ",")) and len(line.split()) <= 12:
            src.headlines.append(line)
            continue
        for sent in _SENT_SPLIT.split(line):
            sent = sent.strip()
            if len(sent.split()) >= 3:
                src.sentences.append(sent)


def _html_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for tag in soup(["script", "style", "nav", "footer", "head"]):
        tag.decompose()
    blocks = soup.find_all(["h1", "h2", "h3", "p", "li", "a", "button", "blockquote"])
    return "\n".join(b.get_text(" ", strip=True) for b in blocks)


def _eml_text(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [f"Subject: {msg.get('subject', '')}"]
    body = msg.get_body(preferencelist=("plain",))
    if body is not None:
        parts.append(body.get_content())
    return "\n".join(parts)


def collect_sources(root: Path = ROOT) -> Sources:
    """Sentences and headlines from eval/labelled.yaml and examples/drafts, in a fixed order."""
    src = Sources()
    data = yaml.safe_load((root / "eval" / "labelled.yaml").read_text(encoding="utf-8"))
    for item in data.get("pieces", []):
        text = item.get("text")
        if isinstance(text, str):
            _add_text(text, src)
    for path in sorted((root / "examples" / "drafts").iterdir()):
        suffix = path.suffix.lower()
        if suffix in (".md", ".txt"):
            _add_text(path.read_text(encoding="utf-8"), src)
        elif suffix in (".html", ".htm"):
            _add_text(_html_text(path), src)
        elif suffix == ".eml":
            _add_text(_eml_text(path), src)
    # Stable order and no duplicates, so the corpus depends only on the texts and the seed.
    src.sentences = list(dict.fromkeys(src.sentences))
    src.headlines = list(dict.fromkeys(src.headlines))
    return src


def _paragraph(rng: random.Random, src: Sources) -> str:
    sents = rng.sample(src.sentences, rng.randint(2, 5))
    if rng.random() < 0.15:
        sents.insert(rng.randrange(len(sents) + 1), rng.choice(_FILLER))
    return " ".join(sents)


def make_documents(n_docs: int, words: int, seed: int = 20240601,
                   src: Sources | None = None) -> list[tuple[str, list[str]]]:
    """``n_docs`` documents of about ``words / n_docs`` words each, ``words`` in all (each
    document aims at what is left over the documents left, so the total lands close)."""
    src = src or collect_sources()
    rng = random.Random(seed)
    docs: list[tuple[str, list[str]]] = []
    total = 0
    for i in range(n_docs):
        want = (words - total) / (n_docs - i)
        head = rng.choice(src.headlines)
        paras: list[str] = []
        count = len(head.split())
        while not paras or count < want:
            para = _paragraph(rng, src)
            n = len(para.split())
            if paras and count + n / 2 > want:  # closer to the aim without this one
                break
            paras.append(para)
            count += n
        docs.append((head, paras))
        total += count
    return docs


def build_corpus(out: Path, *, words: int = 400_000, files: int = 2_000,
                 seed: int = 20240601) -> Corpus:
    """Write the large file and the small files under ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    docs = make_documents(files, words, seed)
    large_dir, small_dir = out / "large", out / "small"
    large_dir.mkdir(exist_ok=True)
    small_dir.mkdir(exist_ok=True)
    small: list[Path] = []
    chunks: list[str] = []
    total = 0
    for i, (head, paras) in enumerate(docs):
        total += len(head.split()) + sum(len(p.split()) for p in paras)
        body = "\n\n".join(paras)
        if i % 2 == 0:
            path = small_dir / f"doc-{i:04d}.md"
            path.write_text(f"# {head}\n\n{body}\n", encoding="utf-8")
        else:
            path = small_dir / f"doc-{i:04d}.txt"
            path.write_text(f"{head}\n\n{body}\n", encoding="utf-8")
        small.append(path)
        chunks.append(f"{head}\n\n{body}")
    large = large_dir / "corpus.txt"
    large.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")
    return Corpus(out, large, small_dir, small, total, docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    corpus = build_corpus(args.out, words=args.words, files=args.files, seed=args.seed)
    size = corpus.large.stat().st_size
    print(f"{corpus.words} words; {corpus.large} ({size / 1e6:.2f} MB); "
          f"{len(corpus.small)} small files in {corpus.small_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
