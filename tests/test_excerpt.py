"""Evidence keeps a bounded excerpt of its sentence: a page that is one huge sentence full of
cues no longer multiplies that sentence into every evidence row and JSON object."""

from __future__ import annotations

import json
from pathlib import Path

from audit import Engine, Piece, Section, Store
from audit.excerpt import ELLIPSIS, MAX_SENTENCE_CHARS, excerpt


def test_short_sentences_stay_whole() -> None:
    assert excerpt("Request a demo today.", 10, 14) == "Request a demo today."


def test_excerpt_keeps_the_phrase_whole_and_marks_cuts() -> None:
    sentence = "lead " * 200 + "security review" + " tail" * 200
    at = sentence.index("security review")
    cut = excerpt(sentence, at, at + len("security review"))
    assert len(cut) <= MAX_SENTENCE_CHARS
    assert "security review" in cut
    assert cut.startswith(ELLIPSIS + "lead ") and cut.endswith(" tail" + ELLIPSIS)
    head = excerpt(sentence, 0, 4)
    assert head.startswith("lead ") and head.endswith(ELLIPSIS) and len(head) <= MAX_SENTENCE_CHARS
    long_phrase = "x" * 1000
    assert excerpt("a " + long_phrase + " b", 2, 1002) == ELLIPSIS + long_phrase + ELLIPSIS


def test_one_huge_sentence_gives_bounded_evidence_json_and_store(engine: Engine, tmp_path: Path) -> None:
    chunk = "our procurement team needs a security review and sign-off from every stakeholder, "
    text = "We offer " + chunk * 400 + "and more"  # about 33 KB, one sentence, 1,600 cues
    piece = Piece(id="huge", source="huge.txt", channel="landing",
                  sections=[Section("body", text)])
    result = engine.check_piece(piece)
    cues = [e for e in result.evidence if e.kind == "cue"]
    # 50 repeats of each phrase are listed, the rest counted in meta.evidence_folded
    assert result.folded is not None and len(cues) + result.folded["cues"] > 1000
    assert all(len(e.sentence) <= MAX_SENTENCE_CHARS + 2 and e.text in e.sentence for e in cues)
    # Each excerpt is around its own cue, not the first one in the sentence.
    assert cues[0].sentence.startswith("We offer") and cues[-1].sentence.startswith(ELLIPSIS)
    bound = 1_000 * len(cues)  # a cue's own fields and its excerpt; 33 KB a cue before
    encoded = json.dumps(result.to_dict())
    assert len(encoded) < bound, len(encoded)
    assert len(result.to_json()) < bound
    assert all(len(s["text"]) <= MAX_SENTENCE_CHARS + 2 for s in result.sentences)
    db = tmp_path / "runs.db"
    with Store(db) as store:
        run_id = store.create_run(name="huge", sources=["huge.txt"], config={},
                                  personas=[p.to_dict() for p in engine.personas], profile="fast",
                                  model="blank", target=engine.config.target)
        store.add_result(run_id, result.to_dict(), sections=piece.sections)
        store.finish_run(run_id, "done")
    size = sum(p.stat().st_size for p in tmp_path.glob("runs.db*"))
    assert size < 2 * bound, size
