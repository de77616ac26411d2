"""Cues and wording weighed together (audit.score.blend): the model's arithmetic, and where the
engine lets it change a verdict. Toy models make each case plain; every text is our own."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from audit import Config, Engine
from audit.analyze.lean import NEUTRAL, LeanModel, terms_of
from audit.models import LEAN_GROUP
from audit.report.tripped import tripped_lines
from audit.score.blend import MIN_SWITCH, BlendModel, shipped_blend

PERSONAS = ("bargain-hunter", "beth-bureaucrat", "over-personalization", "susie-solopreneur")
LABELS = (*PERSONAS, NEUTRAL)

#: Our own enterprise pitch: Beth's cues in plain sight, 16 words or more.
BETH = ("Every plan includes SAML single sign-on, SCIM provisioning and an audit log your security "
        "team can export before the procurement review.")
#: Our own flash-sale note: the bargain hunter's cues.
SALE = ("Everything in the shop is half price this weekend only, and orders over thirty pounds "
        "ship free to your door.")


def toy(bias: dict[str, float], cue: float = 2.5, lean: float = 2.5) -> BlendModel:
    """Each persona's cue score and wording probability push toward its own label; ``bias``
    tilts the labels."""
    rows = [[cue if label == p else 0.0 for label in LABELS] for p in PERSONAS]
    rows += [[lean if label == x else 0.0 for label in LABELS] for x in LABELS]
    return BlendModel(LABELS, PERSONAS, LABELS, tuple(map(tuple, rows)),
                      tuple(bias.get(label, 0.0) for label in LABELS), {})


def flat(text: str) -> LeanModel:
    """A wording model that knows every word of ``text`` and reads it as nothing in particular."""
    return LeanModel(list(LABELS), [0.0] * 5, {t: [0.0] * 5 for t in terms_of(text)})


def weighing(engine: Engine, text: str, blend: BlendModel, margin: float = 0.1) -> Engine:
    config = replace(Config(), thresholds=replace(Config().thresholds, blend=margin))
    e = Engine(config, personas=engine.personas, pipeline=engine.pipeline)
    e.lean_model, e.blend_model = flat(text), blend
    return e


def test_probabilities_sum_to_one_and_follow_cues_and_wording() -> None:
    model = toy({})
    probs = model.probabilities({"beth-bureaucrat": 0.9}, {NEUTRAL: 0.2, "beth-bureaucrat": 0.8})
    assert sum(probs.values()) == pytest.approx(1.0)
    assert max(probs, key=probs.__getitem__) == "beth-bureaucrat"
    quiet = model.probabilities({}, {NEUTRAL: 0.9})
    assert max(quiet, key=quiet.__getitem__) == NEUTRAL


def test_a_model_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        BlendModel(LABELS, PERSONAS, LABELS, ((1.0,),), (0.0,) * 5, {})


def test_it_round_trips_through_json(tmp_path: Path) -> None:
    path = tmp_path / "blend.json"
    path.write_text(toy({NEUTRAL: 0.5}).to_json(), encoding="utf-8")
    assert BlendModel.read(path) == toy({NEUTRAL: 0.5})


def test_the_shipped_model_reads_the_default_packs_and_records_its_cross_validation() -> None:
    model = shipped_blend()
    assert set(model.cue_ids) == set(PERSONAS) and set(model.labels) == set(LABELS)
    cv = model.about["grouped_cv_engine_macro_f1"]
    assert isinstance(cv, dict) and {"without_blend", "with_blend"} <= cv.keys()


def test_cues_that_read_like_no_ones_copy_become_neutral(engine: Engine) -> None:
    result = weighing(engine, BETH, toy({NEUTRAL: 6.0})).check_text(BETH, channel="landing")
    v = result.verdict
    assert v.label == "neutral" and not v.insufficient and v.weighed is not None
    assert v.weighed > 0.5 and "Beth the Bureaucrat" in v.reason
    assert "pitches to no one" in v.reason
    assert result.scores["beth-bureaucrat"] >= 0.4  # the cues and their scores stay
    assert json.loads(result.to_json())["verdict"]["weighed"] == round(v.weighed, 3)


def test_another_persona_is_named_through_a_lean_entry(engine: Engine) -> None:
    result = weighing(engine, SALE, toy({"over-personalization": 6.0})).check_text(
        SALE, channel="email")
    v = result.verdict
    assert (v.label, v.persona) == ("risk", "over-personalization")
    entry = next(e for e in result.evidence if e.group == LEAN_GROUP)
    assert entry.persona == "over-personalization" and "weighed together" in entry.note
    assert result.scores["over-personalization"] == pytest.approx(v.weighed, abs=1e-3)


def test_a_ci_line_says_the_verdict_was_weighed(engine: Engine) -> None:
    result = weighing(engine, SALE, toy({"over-personalization": 6.0})).check_text(
        SALE, channel="email").to_dict()
    result["source"] = "sale.txt"
    report = {"run": {"personas": [{"id": p.id, "name": p.name} for p in engine.personas]},
              "pieces": [result]}
    (line,) = tripped_lines(report, {"risk"})
    assert line.startswith("sale.txt: risk → Over-personalization (cues and wording weighed "
                           "together, 0.")


def test_the_rules_verdict_stands_when_the_weighing_agrees_or_leads_by_too_little(
        engine: Engine) -> None:
    plain = weighing(engine, BETH, toy({})).check_text(BETH, channel="landing").verdict
    assert (plain.label, plain.persona, plain.weighed) == ("wrong-audience", "beth-bureaucrat",
                                                           None)
    # Neutral ahead of Beth, but by less than the margin: the rules' verdict stands.
    beth = weighing(engine, BETH, toy({}), margin=1).check_text(BETH, channel="landing").scores
    close = toy({NEUTRAL: 2.5 * beth["beth-bureaucrat"] + 0.4})
    probs = close.probabilities(beth, {label: 0.2 for label in LABELS})
    assert 0 < probs[NEUTRAL] - probs["beth-bureaucrat"] < 0.3
    assert weighing(engine, BETH, close, margin=0.05).check_text(BETH, channel="landing"
                                                                 ).verdict.label == "neutral"
    kept = weighing(engine, BETH, close, margin=0.3).check_text(BETH, channel="landing").verdict
    assert kept.persona == "beth-bureaucrat" and kept.weighed is None


def test_off_at_one_and_for_packs_it_was_not_fitted_for(engine: Engine) -> None:
    off = weighing(engine, BETH, toy({NEUTRAL: 6.0}), margin=1).check_text(BETH, channel="landing")
    assert off.verdict.persona == "beth-bureaucrat"
    own = [p for p in engine.personas if p.id != "bargain-hunter"]
    e = Engine(Config(), personas=own, pipeline=engine.pipeline)
    e.lean_model, e.blend_model = flat(BETH), toy({NEUTRAL: 6.0})
    assert e.check_text(BETH, channel="landing").verdict.persona == "beth-bureaucrat"


def test_no_persona_whose_cue_the_reader_took_back(engine: Engine) -> None:
    text = ("You will never need SAML single sign-on, SCIM provisioning or a procurement review "
            "to start: sign up and write your first invoice tonight.")
    result = weighing(engine, text, toy({"beth-bureaucrat": 6.0})).check_text(text, channel="landing")
    assert result.verdict.persona != "beth-bureaucrat"


def test_short_pieces_and_policy_pages_keep_the_rules_verdict(engine: Engine) -> None:
    short = "SAML single sign-on and SCIM for your security team."
    e = weighing(engine, short, toy({NEUTRAL: 6.0}))
    assert e.check_text(short, channel="landing").verdict.persona == "beth-bureaucrat"
    policy = "Privacy policy\n\n" + BETH
    e = weighing(engine, policy, toy({"bargain-hunter": 6.0}))
    assert e.check_text(policy, channel="landing").verdict.persona != "bargain-hunter"


#: Our own freelancer pricing blurb that also promises a refund: Susie's cues and the bargain
#: hunter's at once, so the rules call it mixed.
SOLO_REFUND = ("Made for freelancers who work on their own: one simple monthly plan for just you, "
               "set up in minutes. Every coupon stacks: take 70% off the clearance rail, then "
               "another 20% off with code SAVE20, and we price match any rival.")


def test_a_mixed_verdict_that_reads_clearly_as_the_targets_copy_is_on_target(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Labellers of real copy name a piece's dominant pull: where the cues and the wording,
    weighed together, give the target at least lean.SWITCH_LEAN, the verdict is on-target. The
    anti-persona's cues stay in the evidence, its score stays, and the reason names them. The
    wording is read once for it."""
    assert engine.check_text(SOLO_REFUND, channel="landing").verdict.label == "mixed"
    e = weighing(engine, SOLO_REFUND, toy({"susie-solopreneur": 6.0}))
    lean = e.lean_model
    assert lean is not None
    reads: list[str] = []
    real = lean.read_texts
    monkeypatch.setattr(lean, "read_texts",
                        lambda t, real=real, reads=reads: reads.extend(t) or real(t))
    result = e.check_text(SOLO_REFUND, channel="landing")
    v = result.verdict
    assert len(reads) == 1
    assert v.label == "on-target" and v.persona is None and v.weighed is not None
    assert v.weighed >= 0.7 and "bargain hunter" in v.reason.lower() and '"' in v.reason
    assert result.scores["bargain-hunter"] >= Config().thresholds.mixed
    assert any(ev.persona == "bargain-hunter" and ev.kind == "cue" for ev in result.evidence)


@pytest.mark.parametrize("tilt", ["bargain-hunter", NEUTRAL])
def test_a_mixed_verdict_stands_unless_the_target_clearly_leads(engine: Engine, tilt: str
                                                                ) -> None:
    """Copy that reads like the anti-persona's as well as the target's, or like no one's, is
    what mixed says: the weighing names no anti-persona and no neutral over it."""
    e = weighing(engine, SOLO_REFUND, toy({tilt: 6.0}))
    assert e.check_text(SOLO_REFUND, channel="landing").verdict.label == "mixed"


def fixed(probs: dict[str, float]) -> BlendModel:
    """A weighing that gives these probabilities whatever it reads (no weights, log biases)."""
    import math

    rest = (1.0 - sum(probs.values())) / (len(LABELS) - len(probs))
    zero = tuple((0.0,) * len(LABELS) for _ in range(len(PERSONAS) + len(LABELS)))
    return BlendModel(LABELS, PERSONAS, LABELS, zero,
                      tuple(math.log(probs.get(label, rest)) for label in LABELS), {})


@pytest.mark.parametrize(("neutral", "switches"), [(MIN_SWITCH - 0.02, False),
                                                   (MIN_SWITCH + 0.04, True)])
def test_a_switch_needs_its_label_at_least_at_min_switch(engine: Engine, neutral: float,
                                                         switches: bool) -> None:
    """0.14 or more above Beth's 0.2 is past the margin either way; below MIN_SWITCH the
    weighing is too unsure of neutral to overrule the cues."""
    e = weighing(engine, BETH, fixed({NEUTRAL: neutral, "beth-bureaucrat": 0.2}))
    v = e.check_text(BETH, channel="landing").verdict
    assert (v.label == "neutral") is switches
    assert v.label == "neutral" or v.persona == "beth-bureaucrat"


def toy_set(tmp_path: Path) -> Path:
    """60 toy rows, 12 per label, from 4 sites per label."""
    texts = {
        "enterprise": "our procurement team needs SAML single sign-on, SCIM and an audit log "
                      "before the security review of vendor number {n} can begin",
        "solo": "I run my little pottery shop on my own and want invoices that take a minute "
                "so I can get back to the wheel, batch {n}",
        "bargain": "half price on everything this weekend only with code SAVE{n}, stack it with "
                   "free shipping and get your money back anytime",
        "creepy": "we noticed you looked at the walnut desk three times last night from your "
                  "flat in Leeds, visit {n}, so here it is again",
        "neutral": "the changelog for release {n} lists the fixes to the export screen and the "
                   "new keyboard shortcut for the settings page",
    }
    rows = [{"id": f"{label}{n}", "text": text.format(n=n), "label": label,
             "source": f"https://{label}{n % 4}.example/"}
            for n in range(12) for label, text in texts.items()]
    data = tmp_path / "set.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return data


def fit_blend(*args: str) -> tuple[int, str]:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    run = subprocess.run(
        [sys.executable, str(root / "eval" / "fit_blend.py"), "--map",
         "solo=susie-solopreneur,enterprise=beth-bureaucrat,bargain=bargain-hunter,"
         "creepy=over-personalization,neutral=neutral", *args],
        capture_output=True, text=True, timeout=600)
    return run.returncode, run.stderr


def test_fitting_with_the_lean_as_shipped_reads_every_item_with_it(tmp_path: Path) -> None:
    """--lean: no lean is refitted; the model records which lean read the items and what
    model it replaces; --lean and --prior together are refused."""
    data = toy_set(tmp_path)
    lean = str(Path(__file__).resolve().parent.parent / "audit" / "data" / "lean.json")
    out = tmp_path / "blend.json"
    out.write_text(replace(toy({}), about={"fitted": "2020-01-01", "documents": 7}).to_json(),
                   encoding="utf-8")
    code, err = fit_blend(str(data), "--lean", lean, "-o", str(out))
    assert code == 0, err
    model = BlendModel.read(out)
    assert "not refitted" in str(model.about["lean"]) and "lean_l2" not in model.about
    assert model.about["replaces"] == {"fitted": "2020-01-01", "documents": 7}
    assert model.about["grouped_cv_engine_by_file"]["set.jsonl"]["items"] == 60
    code, err = fit_blend(str(data), "--lean", lean, "--prior", lean, "-o",
                          str(tmp_path / "other.json"))
    assert code == 2 and "either" in err


def test_fitting_writes_a_model_the_engine_reads_with_its_cross_validation(tmp_path: Path
                                                                          ) -> None:
    """eval/fit_blend.py on 60 toy rows, 12 per label from 4 sites each: a model of the
    shipped shape, fitted on the pieces the engine lets it judge, with the engine's grouped
    cross-validation with and without it."""
    data = toy_set(tmp_path)
    out = tmp_path / "blend.json"
    code, err = fit_blend(str(data), "--steps", "300", "-o", str(out))
    assert code == 0, err
    model = BlendModel.read(out)
    assert set(model.labels) == set(LABELS) and set(model.cue_ids) == set(PERSONAS)
    assert model.about["documents_read"] == 60 and model.about["sources"] == 20
    cv = model.about["grouped_cv_engine_by_file"]["set.jsonl"]
    assert cv["items"] == 60 and 0 <= cv["with_blend"] <= 1 and 0 <= cv["without_blend"] <= 1
    probs = model.probabilities({"beth-bureaucrat": 0.9}, {"beth-bureaucrat": 0.9, NEUTRAL: 0.1})
    assert max(probs, key=probs.__getitem__) == "beth-bureaucrat"


def test_the_accuracy_page_says_when_the_blend_never_read_a_set() -> None:
    """A blend fitted on other copy records no figure for the real dev set; the page then says
    that set's figure is out of sample for it, with the blend's own cross-validation."""
    from audit.evaluate import _blend_cv_line

    about = shipped_blend().about
    line = _blend_cv_line("a-set-it-never-read.jsonl")
    assert "out of sample" in line
    overall = about["grouped_cv_engine_macro_f1"]
    assert f"{overall['with_blend']:.3f}" in line and f"{overall['without_blend']:.3f}" in line
