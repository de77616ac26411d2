"""The fast profile's sentence splitting matches spaCy's rule sentencizer plus line breaks."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.attrs import SENT_START

from audit.analyze.nlp import build_fast
from audit.evaluate import load_set

TRICKY = [
    'Hello!! World... "Quoted." Next one?! (Yes.) ok',
    "  \n\n  a. b",
    ".",
    "...",
    "a\n",
    "\n\nx",
    "Wait, what? No.\n- one\n- two\n\n# Heading\nBody text. More!",
    "Prices from $9.99/mo. Cancel any time... or don't!",
    "Dr. Smith signed off. SSO? SAML. SCIM.",
    "x",
    "one\ntwo\r\nthree\u2028four",
]


@pytest.fixture(scope="module")
def pipelines():
    ours = build_fast()
    ref = spacy.blank("en")
    ref.add_pipe("antipersona_breaks")
    ref.add_pipe("sentencizer")
    return ours, ref


def test_sentence_starts_match_spacy_sentencizer(pipelines) -> None:
    ours, ref = pipelines
    texts = TRICKY + [item.text for item in load_set()]
    for text in texts:
        a = ours(text).to_array(SENT_START)
        b = ref(text).to_array(SENT_START)
        assert np.array_equal(a, b), text


def test_line_breaks_start_sentences(pipelines) -> None:
    ours, _ = pipelines
    doc = ours("Book a demo\n\nStart free today\n- no card needed")
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "Book a demo", "Start free today", "- no card needed"]


def test_long_doc_breaks_are_linear(pipelines) -> None:
    """Marking a break used to rescan the whole doc per break; a 20,000-line doc splits per line."""
    ours, _ = pipelines
    doc = ours("line\n" * 20_000)
    assert sum(1 for _ in doc.sents) == 20_000


def test_warmed_tokenizer_gives_the_same_tokens() -> None:
    """Warming the cache (each new span tokenized on its own first) changes speed, not tokens:
    compared with a fresh tokenizer on the same long text full of special cases."""
    from audit.analyze.nlp import Pipeline, TokenizerWarmer

    lines = [item.text for item in load_set()] + TRICKY
    text = "\n\n".join(lines * 3)
    assert len(text) > TokenizerWarmer.MIN_CHARS
    pipeline = Pipeline(build_fast(), "fast", "blank:en")
    before = [(t.text, t.whitespace_, t.idx) for t in pipeline.nlp.make_doc(text)]
    pipeline.warm(text)
    assert pipeline.warm._seen >= set(text.split())
    again = [(t.text, t.whitespace_, t.idx) for t in pipeline.nlp.make_doc(text)]
    fresh = [(t.text, t.whitespace_, t.idx) for t in spacy.blank("en").make_doc(text)]
    assert again == before == fresh
    docs = [doc.text for doc, _ in pipeline.pipe([(text, None), ("Short one.", None)])]
    assert docs == [text, "Short one."]


def test_lemmas_follow_the_lookup_table() -> None:
    """Each token's lemma is the table's entry for its lower-case form (else the form itself),
    on long and short docs, including lemmas spaCy keeps as fixed symbols ("mark")."""
    from audit.analyze.nlp import _lemma_table

    table = _lemma_table()
    nlp = build_fast()
    texts = [item.text for item in load_set()] + ["It was marked. Marks, marking, MARKED."]
    texts.append("\n\n".join(texts))  # one long doc takes the per-word-type path
    for doc in nlp.pipe(texts):
        assert [t.lemma_ for t in doc] == [table.get(t.lower_, t.lower_) for t in doc]
    assert [t.lemma_ for t in nlp("marked Marks")] == ["mark", "mark"]


def test_engine_imports_spacy_without_its_cli() -> None:
    """A fresh process that loads the engine leaves spaCy's CLI (typer, weasel...) unloaded;
    spacy.info and a later `import spacy.cli` still work."""
    import subprocess
    import sys

    script = """
import sys
from audit import Engine
engine = Engine(model="fast").load()
assert engine.check_text("Request a demo. SSO included.").verdict.persona == "beth-bureaucrat"
held = [m for m in ("spacy.cli", "weasel", "typer", "requests") if m in sys.modules]
import spacy
version = spacy.info(silent=True)["spacy_version"]
import spacy.cli
print(held, version == spacy.__version__, callable(spacy.cli.setup_cli))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.split() == ["[]", "True", "True"]


def test_import_spacy_returns_a_spacy_already_loaded() -> None:
    import spacy

    from audit.analyze.spacyload import import_spacy

    assert import_spacy() is spacy


@pytest.mark.trained
def test_joined_docs_keep_each_parts_tokens_and_parse(trained_engine) -> None:
    """join_docs: the text of the parts, a space after a part that ends in a word, every
    token's annotations and head as parsed alone, and each part's sentences, none merged."""
    from spacy.attrs import DEP, LEMMA, MORPH, NORM, ORTH, POS, TAG

    from audit.analyze.nlp import join_docs

    nlp = trained_engine.pipeline.nlp
    texts = ["The contract was signed by the board.\n\n", "Start free",  # ends in a word
             "", "Don't ask for a demo. We'll send it!", "  \n", "Request SSO"]
    docs = list(nlp.pipe(texts))
    joined, text, offsets = join_docs(docs, texts)
    assert text == joined.text == ("The contract was signed by the board.\n\nStart free "
                                   "Don't ask for a demo. We'll send it!   \nRequest SSO ")
    attrs = [ORTH, NORM, LEMMA, TAG, POS, MORPH, DEP]
    assert np.array_equal(joined.to_array(attrs),
                          np.concatenate([d.to_array(attrs) for d in docs if len(d)]))
    first = 0
    for doc, part, offset in zip(docs, texts, offsets, strict=True):
        assert text[offset:offset + len(part)] == part
        if not len(doc):
            continue
        span = joined[first:first + len(doc)]
        assert [t.head.i - first for t in span] == [t.head.i for t in doc]
        assert ([(s.start - first, s.end - first) for s in span.sents]
                == [(s.start, s.end) for s in doc.sents])
        first += len(doc)
    assert first == len(joined)
