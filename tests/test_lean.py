"""The wording lean: the model's reading of a piece as a whole, and the narrow place where the
engine lets it decide (a piece no cue decides, of 16 to 1,500 words, leaning clearly)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from audit import Config, Engine
from audit.analyze.lean import (
    MIN_GAP,
    MIN_KNOWN,
    NEUTRAL,
    RANK_MIN,
    RANK_SHARE,
    LeanModel,
    shipped_model,
    terms_of,
)
from audit.models import LEAN_GROUP, RANK_GROUP
from audit.report.tripped import tripped_lines
from audit.score.scoring import to_score

ROOT = Path(__file__).resolve().parent.parent

#: A toy model: "ledger" and "quarterly" lean to Beth, "weekend" to Susie.
TOY = LeanModel(
    ["beth-bureaucrat", "susie-solopreneur", NEUTRAL], [0.0, 0.0, 0.5],
    {"ledger": [6.0, 0.0, 0.0], "quarterly": [6.0, 0.0, 0.0], "weekend": [0.0, 6.0, 0.0],
     "the": [0.0, 0.0, 0.3], "quarterly ledger": [3.0, 0.0, 0.0]})

#: Our own copy, no cue of any pack in it, written like a data-hungry shop's pitch.
WATCHING = ("We tailor every message using what we know about each shopper: the pages viewed, "
            "their past orders and where they live.")
#: Our own release note: no cue, and wording no persona's copy has.
CHANGELOG = ("Version 2.4 adds dark mode to the settings page and fixes a crash when exporting "
             "a report.")


def test_terms_are_words_and_word_pairs_with_plain_apostrophes() -> None:
    assert terms_of("Don\u2019t wait, Susie") == {"don't", "wait", "susie", "don't wait",
                                                  "wait susie"}


def test_probabilities_sum_to_one_and_follow_the_words() -> None:
    probs = TOY.probabilities(TOY.known(terms_of("the quarterly ledger")))
    assert sum(probs.values()) == pytest.approx(1.0)
    assert max(probs, key=probs.__getitem__) == "beth-bureaucrat"
    assert TOY.probabilities(set())[NEUTRAL] > 0.4  # no known word: the bias alone


@pytest.mark.parametrize("text", [
    "the quarterly ledger", "The weekend’s ledger, the weekend", "", "no word it knows",
])
def test_reading_a_text_in_one_pass_is_the_three_steps(text: str) -> None:
    terms = terms_of(text)
    known = TOY.known(terms)
    reading = TOY.read_text(text)
    assert reading.known == known and reading.readable == TOY.reads(terms, known)
    assert reading.probs == pytest.approx(TOY.probabilities(known), abs=1e-12)


def test_a_long_piece_is_read_in_windows_the_size_the_model_was_fitted_on() -> None:
    """Read whole, a long page's few Beth words add up past anything the model saw on a short
    excerpt; read in windows of WINDOW_WORDS, its probabilities are the windows' mean."""
    from audit.analyze.lean import WINDOW_WORDS

    filler = "the weekend " * (WINDOW_WORDS // 2)  # exactly one window of words
    assert len(terms_of(filler)) and TOY.read_text(filler).probs == pytest.approx(
        TOY.probabilities(TOY.known(terms_of(filler))))
    page = f"{filler}the quarterly ledger {filler}the quarterly ledger {filler}"
    windows = TOY.read_text(page)
    whole = TOY.probabilities(TOY.known(terms_of(page)))
    assert windows.known == TOY.known(terms_of(page))  # every term still read
    assert windows.probs["beth-bureaucrat"] < whole["beth-bureaucrat"]
    assert sum(windows.probs.values()) == pytest.approx(1.0)


def test_pieces_read_together_read_as_each_alone() -> None:
    """The engine reads the wording of a batch's pieces in one call: each piece reads exactly
    as it does alone, whatever stands beside it. A pair never forms across two pieces (one
    ending in "quarterly", the next starting with "ledger"), and a long piece keeps its own
    windows."""
    from audit.analyze.lean import WINDOW_WORDS

    long_page = "the weekend " * WINDOW_WORDS + "the quarterly ledger " * 3
    texts = ["our quarterly", "ledger for the weekend", "", "zebra yak", long_page,
             "The weekend’s quarterly ledger", "no word it knows at all"]
    together = TOY.read_texts(texts)
    assert len(together) == len(texts)
    for text, reading in zip(texts, together, strict=True):
        alone = TOY.read_text(text)
        assert reading.probs == alone.probs and reading.readable == alone.readable
        assert reading.known == alone.known == TOY.known(terms_of(text))
    assert "quarterly ledger" not in together[0].known | together[1].known
    assert TOY.read_texts([]) == []


def test_a_word_pair_is_read_only_where_both_words_stand_side_by_side() -> None:
    """The pair index codes pairs as integers: an unknown word between two known ones, or at
    either end of a pair, must not make up a pair the text does not hold."""
    model = LeanModel(["beth-bureaucrat", NEUTRAL], [0.0, 0.0],
                      {"ledger": [1.0, 0.0], "review": [1.0, 0.0], "ledger review": [2.0, 0.0],
                       "review ledger": [2.0, 0.0]})
    assert model.read_text("ledger review").known == {"ledger", "review", "ledger review"}
    assert model.read_text("ledger zebra review").known == {"ledger", "review"}
    assert model.read_text("zebra ledger").known == {"ledger"}
    assert model.read_text("review, ledger").known == {"ledger", "review", "review ledger"}
    assert model.read_text("zebra yak").known == set()


def test_equal_pulls_are_named_in_a_fixed_order() -> None:
    """Terms that pull alike (rare words seen together once) are listed in one order on every
    run, whatever order the piece's terms come in."""
    weights = {w: [2.0, 0.0] for w in ("ledger", "review", "quarterly", "audit", "board")}
    model = LeanModel(["beth-bureaucrat", NEUTRAL], [0.0, 0.0], {**weights, "the": [3.0, 0.0]})
    known = set(weights)
    assert model.pulling(known, "beth-bureaucrat") == ("review", "quarterly", "ledger", "board")
    assert model.pulling(known | {"the"}, "beth-bureaucrat", plain={"the"})[0] == "the"


def test_a_clear_lean_names_the_persona_and_the_words_that_pulled() -> None:
    lean = TOY.lean(TOY.known(terms_of("the quarterly ledger")), ["beth-bureaucrat"], 0.5,
                    plain={"the"})
    assert lean is not None and lean.persona == "beth-bureaucrat"
    assert lean.probability >= 0.5
    assert set(lean.words) == {"ledger", "quarterly", "quarterly ledger"}  # "the" explains nothing


def test_plain_words_are_named_only_when_they_pull_hardest() -> None:
    """"off" alone explains little, but where it out-pulls every other word the reader is told:
    naming only weaker words would hide why the wording leans."""
    model = LeanModel(["bargain-hunter", NEUTRAL], [0.0, 0.0],
                      {"off": [5.0, 0.0], "screen": [1.0, 0.0], "the": [0.8, 0.0],
                       "zoom": [0.5, 0.0]})
    known = {"off", "screen", "the", "zoom"}
    assert model.pulling(known, "bargain-hunter", plain={"off", "the"}) == ("off", "screen",
                                                                          "zoom")


def test_no_lean_below_the_threshold_near_neutral_or_for_a_persona_not_allowed() -> None:
    known = TOY.known(terms_of("the quarterly ledger"))
    assert TOY.lean(known, ["beth-bureaucrat"], 0.999) is None
    assert TOY.lean(known, ["susie-solopreneur"], 0.5) is None  # Beth leads, and is not allowed
    weak = LeanModel(TOY.labels, [0.0, 0.0, 0.0], {"ledger": [1.0, 0.0, 0.8]})
    probs = weak.probabilities({"ledger"})
    assert probs["beth-bureaucrat"] - probs[NEUTRAL] < MIN_GAP
    assert weak.lean({"ledger"}, ["beth-bureaucrat"], 0.0) is None


def test_the_model_reads_only_wording_it_mostly_knows() -> None:
    english = terms_of("the quarterly ledger this weekend")
    assert TOY.reads(english, TOY.known(english))
    # two of five words known: under MIN_KNOWN, whatever they pull toward
    mixed = terms_of("das quarterly ledger wird bald")
    assert MIN_KNOWN > 2 / 5 and not TOY.reads(mixed, TOY.known(mixed))
    assert not TOY.reads(set(), set())


def test_a_page_in_another_language_is_not_judged_by_its_loan_words(engine: Engine) -> None:
    # Our own German paragraph with English loan words a persona's copy uses ("online", "team",
    # "start", "smart", "business"): the model knows too few of its words to read it.
    text = ("Das neue Team der Stadtbibliothek startet im Herbst ein Online-Angebot: wer einen "
            "Ausweis hat, kann ab sofort E-Books ausleihen, auch am Wochenende und ohne "
            "Wartezeit. Der Start war holprig, doch die Smart Card funktioniert inzwischen, "
            "sagt die Leiterin, und das Business rund um gedruckte Bücher bleibt wichtig.")
    result = engine.check_text(text, channel="blog")
    assert result.verdict.label == "neutral" and result.verdict.lean is None


def test_a_model_without_a_weight_per_label_is_refused() -> None:
    with pytest.raises(ValueError, match="one weight per label"):
        LeanModel(["a", NEUTRAL], [0.0, 0.0], {"x": [1.0]})
    with pytest.raises(ValueError, match="neutral"):
        LeanModel(["a", "b"], [0.0, 0.0], {})


def test_the_shipped_model_covers_the_default_personas_and_records_its_fit() -> None:
    model = shipped_model()
    assert set(model.labels) == {"susie-solopreneur", "beth-bureaucrat", "bargain-hunter",
                                 "over-personalization", NEUTRAL}
    assert len(model.weights) > 1000
    about = model.about
    # Fitted on its own documents, or updated from an earlier fit (--prior) with more.
    read = about["documents"] + about.get("update_of", {}).get("documents", 0)
    assert read > 1000 and "grouped_cv_model_alone_macro_f1" in about
    cv = about["grouped_cv_engine"]["real_dev.jsonl"]
    assert {"items", "with_lean", "without_lean"} <= set(cv)


def test_a_piece_no_cue_decides_takes_its_wordings_lean(engine: Engine) -> None:
    result = engine.check_text(WATCHING, channel="email")
    assert not any(e.kind == "cue" for e in result.evidence)  # no cue: the wording decides
    v = result.verdict
    assert (v.label, v.persona) == ("risk", "over-personalization")
    assert v.lean is not None and v.lean >= 0.5 and "wording" in v.reason
    notes = [e for e in result.evidence if e.kind == "lean" and e.persona == v.persona]
    assert len(notes) == 1 and notes[0].group == LEAN_GROUP and notes[0].weight > 0
    assert notes[0].text  # the words that pulled
    # the other personas are only ranked, well below any verdict
    others = [e for e in result.evidence if e.kind == "lean" and e.persona != v.persona]
    assert all(e.group == RANK_GROUP and "no verdict rests on it" in e.note for e in others)
    assert all(result.scores[e.persona] <= RANK_SHARE for e in others)
    assert result.scores["over-personalization"] == pytest.approx(v.lean, abs=1e-3)
    # a score is still the sum of its evidence: the lean's entry weighs what it adds
    assert to_score(sum(e.weight for e in result.evidence if e.persona == v.persona)) \
        == pytest.approx(v.lean, abs=1e-3)
    data = result.to_dict()
    assert data["verdict"]["lean"] == pytest.approx(v.lean, abs=1e-3)


def test_the_lean_can_be_turned_off(engine: Engine) -> None:
    off = Config(thresholds=replace(Config().thresholds, lean=1.0))
    quiet = Engine(off, personas=engine.personas, pipeline=engine.pipeline)
    result = quiet.check_text(WATCHING, channel="email")
    assert result.verdict.label == "neutral" and result.verdict.lean is None
    assert not any(e.kind == "lean" for e in result.evidence)
    changelog = quiet.check_text(CHANGELOG)
    assert changelog.evidence == [] and set(changelog.scores.values()) == {0.0}


def test_pieces_no_cue_decides_are_ranked_by_their_wording_below_every_verdict(
        engine: Engine) -> None:
    """Pieces no cue catches are not all tied at 0: each persona's score is a fifth of the
    wording's probability, never enough for a verdict, and each rise is evidence."""
    watching = engine.check_text(WATCHING + " Then we send it.", channel="email")
    changelog = engine.check_text(CHANGELOG)
    op = "over-personalization"
    assert changelog.verdict.label == "neutral" and changelog.verdict.lean is None
    assert watching.scores[op] > changelog.scores[op]
    assert any(e.group == RANK_GROUP for e in watching.evidence)
    for result in (watching, changelog):
        for e in result.evidence:
            if e.group == RANK_GROUP:
                assert e.kind == "lean" and e.start == e.end == -1 and e.weight > 0
                assert RANK_MIN <= result.scores[e.persona] <= RANK_SHARE
                assert to_score(sum(x.weight for x in result.evidence if x.persona == e.persona)) \
                    == pytest.approx(result.scores[e.persona], abs=1e-3)
    # a rise too faint to order pieces by is not made
    assert all(s == 0.0 or s >= RANK_MIN for s in changelog.scores.values())
    # reports print no note for a rank: it says too little under every quiet piece
    from audit.models import printed_note
    assert not any(printed_note(e.to_dict()) for e in changelog.evidence)


@pytest.mark.parametrize("text", [
    # too short to judge as a whole
    "We know what each shopper viewed and where they live.",
    # the wording leans (more so for "countdown"), but the reader took a cue back: it decides
    WATCHING + " We never run a countdown.",
])
def test_short_pieces_and_pieces_with_cues_taken_back_stay_with_the_cues(
        engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="email")
    assert result.verdict.label == "neutral" and result.verdict.lean is None
    assert not any(e.group == LEAN_GROUP for e in result.evidence)
    op = "over-personalization"
    assert result.scores[op] <= RANK_SHARE  # ranked at most, never decided
    if "never" in text:  # its over-personalisation cue was taken back: no rise for it at all
        assert not any(e.kind == "lean" and e.persona == op for e in result.evidence)


def test_a_cue_verdict_is_never_changed_by_the_lean(engine: Engine) -> None:
    text = ("Procurement, SSO and a security review come standard; your legal team gets our "
            "DPA and the vendor questionnaire before the annual contract is signed.")
    result = engine.check_text(text, channel="landing")
    assert (result.verdict.label, result.verdict.persona) == ("wrong-audience", "beth-bureaucrat")
    assert result.verdict.lean is None


def test_the_cli_prints_the_lean_as_a_note_and_a_ci_line_names_it(tmp_path: Path,
                                                                  engine: Engine) -> None:
    draft = tmp_path / "email.txt"
    draft.write_text(WATCHING + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "audit", "check", str(draft), "--fail-on", "risk"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "wording as a whole" in run.stdout and "Words that pulled" in run.stdout
    assert "by its wording" in run.stderr
    report = {"run": {"personas": [{"id": p.id, "name": p.name} for p in engine.personas]},
              "pieces": [engine.check_text(WATCHING, channel="email").to_dict()]}
    report["pieces"][0]["source"] = "email.txt"
    (line,) = tripped_lines(report, {"risk"})
    assert line.startswith("email.txt: risk → Over-personalization (by its wording, 0.")


def _fit(tmp_path: Path, big: str, small: str, none: str, *options: str) -> LeanModel:
    """Fit eval/fit_lean.py on 36 toy rows, 12 per label from 4 sites each ("{n}" in each
    text is the row's number), and read the model back."""
    rows = []
    for n in range(12):
        for label, text in (("big", big), ("small", small), ("none", none)):
            rows.append({"id": f"{label}{n}", "text": text.format(n=n), "label": label,
                         "source": f"https://{label}{n % 4}.example/"})
    data = tmp_path / "set.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "lean.json"
    run = subprocess.run([sys.executable, str(ROOT / "eval" / "fit_lean.py"), str(data), "--map",
                          "big=beth-bureaucrat,small=susie-solopreneur,none=neutral",
                          *options, "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return LeanModel.read(out)


def test_fitting_writes_a_model_that_reads_back(tmp_path: Path) -> None:
    model = _fit(tmp_path, "quarterly ledger review number {n} for the board",
                 "my weekend shop sells mugs, batch {n}", "the changelog for release {n} lists fixes")
    assert model.labels == ["beth-bureaucrat", "susie-solopreneur", NEUTRAL]
    assert model.about["documents"] == 36 and model.about["sources"] == 12
    probs = model.probabilities(model.known(terms_of("a quarterly ledger for the board")))
    assert max(probs, key=probs.__getitem__) == "beth-bureaucrat"
    assert model.about["grouped_cv_model_alone_macro_f1"] > 0.9


def test_a_fit_with_a_prior_updates_it_and_keeps_what_only_the_prior_knew(tmp_path: Path
                                                                         ) -> None:
    """--prior: the new copy's words are learnt, the prior's are kept where the new copy is
    silent, and the prior's own record travels with the update."""
    prior = tmp_path / "prior.json"
    toy = LeanModel(TOY.labels, TOY.bias, TOY.weights, {"documents": 99, "fitted": "earlier"})
    prior.write_text(json.dumps({"about": toy.about, "labels": toy.labels, "bias": toy.bias,
                                 "weights": toy.weights}), encoding="utf-8")
    model = _fit(tmp_path, "procurement portal intake, case {n}", "kiln firing on my own, batch {n}",
                 "release {n} fixes the export", "--prior", str(prior), "--lam", "0.01")
    assert model.about["update_of"]["documents"] == 99
    assert "set.jsonl" in model.about["grouped_cv_model_alone_by_file"]

    def leads(text: str) -> str:
        probs = model.probabilities(model.known(terms_of(text)))
        return max(probs, key=probs.__getitem__)

    assert leads("procurement portal intake") == "beth-bureaucrat"  # learnt from the new copy
    assert leads("kiln firing on my own") == "susie-solopreneur"
    assert leads("a weekend") == "susie-solopreneur"  # only the prior knew it
    assert model.weights["weekend"][1] > 3.0


def test_a_risk_pack_needs_the_content_words_to_lean_too() -> None:
    """A risk verdict accuses the copy: function words alone ("this", "your") do not make it."""
    model = LeanModel(
        ["over-personalization", NEUTRAL], [0.0, 0.0],
        {"this": [4.0, 0.0], "your": [4.0, 0.0], "weekend": [0.0, 1.0], "book": [0.0, 1.0],
         "tracked": [6.0, 0.0]})
    chat = model.known(terms_of("this weekend your book"))
    assert model.lean(chat, ["over-personalization"], 0.5, plain={"this", "your"}) is not None
    assert model.lean(chat, ["over-personalization"], 0.5, plain={"this", "your"},
                      careful={"over-personalization"}) is None
    told = model.known(terms_of("this tracked weekend"))
    assert model.lean(told, ["over-personalization"], 0.5, plain={"this", "your"},
                      careful={"over-personalization"}) is not None


@pytest.mark.parametrize("text", [
    "Happy Friday, everyone. What is on your reading list this weekend? We will start: a long "
    "book about the history of maps.",
    pytest.param("New episode out now: an hour with a bookbinder from Porto. Listen wherever "
                 "you get your podcasts.", marks=pytest.mark.xfail(
                     reason="known miss: 'hour' and 'new' read as the clock pushing the reader "
                            "(December lean update; see the accuracy issue's notes)")),
])
def test_everyday_posts_are_not_called_over_personalisation_by_their_wording(
        engine: Engine, text: str) -> None:
    assert engine.check_text(text, channel="social").verdict.label != "risk"


def test_the_report_says_why_a_lean_has_no_phrase_to_rewrite(engine: Engine) -> None:
    from audit.ui.explain import no_rewrites_text
    from audit.ui.highlight import palette

    result = engine.check_text(WATCHING, channel="email").to_dict()
    swatches = palette(engine.personas)
    said = no_rewrites_text(result["evidence"], swatches, "nothing")
    assert said.startswith("No single phrase to rewrite") and "Over-personalization" in said
    plain = engine.check_text("Version 2.4 adds dark mode and fixes a crash.").to_dict()
    assert no_rewrites_text(plain["evidence"], swatches, "nothing") == "nothing"


#: Our own billing answer: one self-serve cue ("free plan") in wording that explains, not sells.
BILLING = ("Your workspace stays on the free plan after the trial ends. Older messages are kept "
           "and come back when an admin upgrades the workspace to a paid tier.")


LABELS = ["bargain-hunter", "beth-bureaucrat", "over-personalization", "susie-solopreneur",
          NEUTRAL]


def _lean_only(engine: Engine) -> Engine:
    """An engine whose verdicts only the lean's own steps may change: cues and wording weighed
    together (tests/test_blend.py) would have their say after them."""
    config = replace(Config(), thresholds=replace(Config().thresholds, blend=1.0))
    return Engine(config, personas=engine.personas, pipeline=engine.pipeline)


def _reads_as(text: str, label: str, p: float) -> LeanModel:
    """A toy model that knows every word of ``text`` and reads it as ``label`` with about
    probability ``p`` (the other four labels sharing the rest)."""
    terms = terms_of(text)
    lift = math.log(p / (1 - p) * 4) * math.sqrt(len(terms) + 1) / len(terms)
    col = LABELS.index(label)
    return LeanModel(LABELS, [0.0] * 5,
                     {t: [lift if i == col else 0.0 for i in range(5)] for t in terms})


def _reads_neutral(text: str, p_neutral: float) -> LeanModel:
    return _reads_as(text, NEUTRAL, p_neutral)


def test_a_verdict_resting_on_one_cue_yields_to_wording_that_pitches_to_no_one(
        engine: Engine) -> None:
    from audit.analyze.lean import WEAK_VERDICT

    quiet = _lean_only(engine)
    quiet.lean_model = _reads_neutral(BILLING, 0.8)
    result = quiet.check_text(BILLING)
    assert 0.4 <= result.scores["susie-solopreneur"] < WEAK_VERDICT  # one cue, a weak verdict
    v = result.verdict
    assert v.label == "neutral" and v.persona is None and not v.insufficient
    assert v.lean == pytest.approx(0.8, abs=0.01)
    assert "Susie the Solopreneur" in v.reason and "pitches to no one" in v.reason
    assert any(e.kind == "cue" and e.text == "free plan" for e in result.evidence)  # kept
    data = result.to_dict()["verdict"]
    assert data["signal"] == "clean" and data["lean"] == pytest.approx(0.8, abs=0.01)


def test_wording_that_reads_neutral_only_faintly_leaves_the_verdict(engine: Engine) -> None:
    quiet = _lean_only(engine)
    quiet.lean_model = _reads_neutral(BILLING, 0.4)
    assert quiet.check_text(BILLING).verdict.label == "on-target"


def test_a_verdict_with_more_than_one_cue_keeps_its_persona(engine: Engine) -> None:
    text = BILLING + " Start free today, no card and no contract, and cancel anytime."
    quiet = _lean_only(engine)
    quiet.lean_model = _reads_neutral(text, 0.95)
    assert quiet.check_text(text).verdict.label == "on-target"


def test_with_the_lean_off_a_weak_verdict_stands(engine: Engine) -> None:
    off = Engine(Config(thresholds=replace(Config().thresholds, lean=1.0)),
                 personas=engine.personas, pipeline=engine.pipeline)
    off.lean_model = _reads_neutral(BILLING, 0.99)
    assert off.check_text(BILLING).verdict.label == "on-target"


def test_the_shipped_model_reads_a_billing_answer_as_neutral(engine: Engine) -> None:
    v = engine.check_text(BILLING).verdict
    assert v.label == "neutral" and v.lean is not None


def test_a_verdict_resting_on_one_cue_yields_to_wording_that_clearly_reads_as_another_persona(
        engine: Engine) -> None:
    from audit.analyze.lean import SWITCH_LEAN

    quiet = _lean_only(engine)
    quiet.lean_model = _reads_as(BILLING, "beth-bureaucrat", 0.85)
    result = quiet.check_text(BILLING)
    v = result.verdict
    assert (v.label, v.persona) == ("wrong-audience", "beth-bureaucrat")
    assert v.lean == pytest.approx(0.85, abs=0.01) and v.lean >= SWITCH_LEAN
    assert "faintly to Susie the Solopreneur" in v.reason
    (entry,) = [e for e in result.evidence if e.kind == "lean" and e.persona == v.persona]
    assert entry.group == LEAN_GROUP and entry.weight > 0 and "faint cues" in entry.note
    assert result.scores["beth-bureaucrat"] == pytest.approx(v.lean, abs=1e-3)
    assert to_score(sum(e.weight for e in result.evidence if e.persona == v.persona)) \
        == pytest.approx(v.lean, abs=1e-3)
    assert any(e.kind == "cue" and e.text == "free plan" for e in result.evidence)


def test_wording_that_only_leans_to_another_persona_does_not_switch(engine: Engine) -> None:
    quiet = _lean_only(engine)
    quiet.lean_model = _reads_as(BILLING, "beth-bureaucrat", 0.6)
    assert quiet.check_text(BILLING).verdict.label == "on-target"


def test_no_switch_to_a_persona_whose_cue_was_taken_back(engine: Engine) -> None:
    from audit.analyze.lean import WEAK_VERDICT

    text = BILLING + ' Some suppliers call this a "procurement workflow".'
    quiet = _lean_only(engine)
    quiet.lean_model = _reads_as(text, "beth-bureaucrat", 0.9)
    result = quiet.check_text(text)
    assert max(result.scores.values()) < WEAK_VERDICT  # a weak verdict ...
    assert any(e.persona == "beth-bureaucrat" and e.context == "quoted"
               for e in result.evidence)  # ... and Beth's one cue is a quotation
    assert result.verdict.label == "on-target"
