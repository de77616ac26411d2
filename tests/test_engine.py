"""The engine on hand-made copy: cues, negation and contrast, section weights, length
normalisation, decomposable scores, verdicts, tone metrics, long inputs, both profiles."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import pytest

from audit import Config, Piece, Section, check_text
from audit.engine.engine import PARALLEL_MIN_CHARS, Engine
from audit.score.scoring import CHROME_CAP, SCALE, to_score

BETH = "beth-bureaucrat"
SUSIE = "susie-solopreneur"

ENTERPRISE = (
    "Enterprise-grade governance for complex organizations\n\n"
    "Request a demo to see how our platform supports procurement, security reviews and "
    "stakeholder sign-off. SSO, SAML, SCIM and a 99.9% uptime SLA come standard, and a "
    "dedicated account manager guides your implementation."
)
SOLO = (
    "Get paid faster, without the paperwork\n\n"
    "Send your first invoice in two minutes. Start free, no credit card needed, and cancel "
    "anytime. Built for freelancers and one-person businesses who would rather be working."
)


def beth_evidence(result):  # type: ignore[no-untyped-def]
    return [e for e in result.evidence if e.persona == BETH and e.kind == "cue"]


def test_enterprise_copy_is_wrong_audience(engine: Engine) -> None:
    r = engine.check_text(ENTERPRISE, channel="landing")
    assert r.verdict.label == "wrong-audience"
    assert r.verdict.persona == BETH
    assert r.scores[BETH] > 0.8 > r.scores[SUSIE]
    groups = {e.group for e in beth_evidence(r)}
    assert len(groups) >= 3
    assert all(e.suggest for e in beth_evidence(r))


def test_solopreneur_copy_is_on_target(engine: Engine) -> None:
    r = engine.check_text(SOLO, channel="landing")
    assert r.verdict.label == "on-target"
    assert r.scores[SUSIE] > 0.6
    assert r.scores[BETH] < 0.2


@pytest.mark.parametrize("text", [
    "No sales calls. No procurement. Just sign up and go.",
    "Get started without the procurement hoops or a security review.",
    "Skip the demo and start free today.",
    "You don't need SSO to start.",
    "Unlike enterprise suites that need sign-off from IT, we let you start in minutes.",
    "SSO? Not required.",
    "Unlike enterprise suites that need SSO, SAML, procurement and a security review, we let "
    "you start today.",
    "Other tools need a security review; ours doesn't.",
    "Our competitors require a sales call. We don't.",
    "Nobody needs a procurement process to try us.",
    # a negator reaches every item of a list, however long the items before it
    "It doesn't need an IT department, a procurement process or a security questionnaire.",
    "You won\u2019t need an IT department, a procurement process, a security questionnaire or a "
    "legal review.",
])
def test_negated_cues_do_not_count_for_beth(each_engine: Engine, text: str) -> None:
    r = each_engine.check_text(text, channel="ad")
    ev = beth_evidence(r)
    assert ev, "the cue is still found and shown"
    assert all(e.negated for e in ev), [(e.text, e.negated) for e in ev]
    assert r.scores[BETH] == 0.0
    assert r.verdict.label != "wrong-audience"


def test_negated_cues_count_for_the_target_where_the_pack_says(each_engine: Engine) -> None:
    r = each_engine.check_text("No sales calls, no procurement, no security questionnaire.", "ad")
    negated = [e for e in beth_evidence(r) if e.negated]
    assert negated and all(e.counts_for == SUSIE and e.weight > 0 for e in negated)
    assert r.scores[SUSIE] > 0


def test_negation_does_not_leak_past_a_clause(each_engine: Engine) -> None:
    r = each_engine.check_text("No setup fees, and SSO with SAML is included on every plan.", "ad")
    sso = [e for e in beth_evidence(r) if e.text in ("SSO", "SAML")]
    assert sso and not any(e.negated for e in sso)


@pytest.mark.parametrize(("text", "cue"), [
    ("Skip the setup and start free.", "start free"),
    ("Free returns, no questions asked, full refund anytime.", "full refund anytime"),
    ("We don't just offer SSO for teams.", "SSO"),
    ("Not only SSO but also SAML.", "SAML"),
    ("Unlike big suites, Acme offers SSO.", "SSO"),
    ("Unlike big suites, SSO is free here.", "SSO"),
    # a command after the comma starts a clause of its own
    ("No spam, unsubscribe with one click.", "one click"),
    # what follows the comma is a clause of its own, not the next item of a list
    ("When shoppers leave without buying, retargeting ads reach them on other sites.",
     "retargeting"),
    # the window is not stretched across words that are no list: the trial is denied, the
    # guarantee is offered
    ("Buyers who did not pick the free trial last spring are still owed a full money-back "
     "guarantee.", "money-back"),
])
def test_a_negation_stays_in_its_own_phrase(each_engine: Engine, text: str, cue: str) -> None:
    r = each_engine.check_text(text, channel="ad")
    found = [e for e in r.evidence if e.text == cue]
    assert found and not any(e.negated for e in found), [(e.text, e.negated) for e in r.evidence]


@pytest.mark.parametrize(("text", "persona"), [
    ("No credit card needed.", SUSIE),
    ("No setup fees, no contracts.", SUSIE),
    ("Free for one user. No card required, no questions asked.", SUSIE),
    ("Hurry, don't miss out on this offer!", "over-personalization"),
])
def test_cues_worded_as_negations_count_for_their_persona(each_engine: Engine, text: str,
                                                          persona: str) -> None:
    """"No credit card needed" is Susie's own cue: its "no" (or the "no" of the list item
    before it) does not negate it, in words or in the parse."""
    r = each_engine.check_text(text, channel="ad")
    own = [e for e in r.evidence if e.persona == persona and e.kind == "cue"]
    assert own and not any(e.negated for e in own), [(e.text, e.negated) for e in own]
    assert r.scores[persona] > 0


def test_headline_counts_more_than_body(engine: Engine) -> None:
    head = Piece("a", [Section("headline", "Procurement made easy"),
                       Section("body", "We help you grow.")])
    body = Piece("b", [Section("headline", "We help you grow"),
                       Section("body", "Procurement made easy.")])
    r_head, r_body = list(engine.check_pieces([head, body]))
    assert r_head.scores[BETH] > r_body.scores[BETH]


def test_chrome_counts_little_and_once_per_site(engine: Engine) -> None:
    footer = Section("footer", "Enterprise | Contact sales | SOC 2 | SSO")
    pages = [Piece(f"https://shop.test/p{i}", [Section("headline", "Send invoices in a minute"),
                                              Section("body", "Start free, no card needed."),
                                              footer]) for i in range(3)]
    seen: set[str] = set()
    results = list(engine.check_pieces(pages, chrome_seen=seen))
    assert all(r.verdict.label == "on-target" for r in results)
    first, second = results[0], results[1]
    assert beth_evidence(first) and all(e.section == "footer" for e in beth_evidence(first))
    assert not beth_evidence(second), "shared chrome is counted on the first page only"


def test_a_fat_footer_alone_never_makes_a_persona_strong(engine: Engine) -> None:
    """A short on-target page whose nav and footer list every enterprise link stays on
    target: chrome adds at most a capped amount per persona, shown in its evidence."""
    page = Piece("https://books.test/", [
        Section("nav", "Home | Enterprise | Contact sales | Request a demo"),
        Section("headline", "Invoices for freelancers"),
        Section("body", "Send an invoice in a minute. Start free."),
        Section("footer", "Enterprise | Contact sales | SOC 2 | SSO | SAML | Procurement | "
                          "Security review | Request a demo | Book a demo"),
    ])
    r = engine.check_piece(page)
    assert r.verdict.label == "on-target"
    assert 0 < r.scores[BETH] < engine.config.thresholds.strong
    chrome = sum(e.weight for e in beth_evidence(r) if e.section in ("nav", "footer"))
    assert chrome == pytest.approx(CHROME_CAP)


def test_scores_comparable_across_lengths(engine: Engine) -> None:
    ad = "Request a demo. SSO, SAML and procurement support included."
    filler = " ".join(["We write clear notes about our week and the weather."] * 300)
    page = f"{filler}\n\n{ad}"
    long_with_many = "\n\n".join([ad + " " + filler[:600]] * 20)
    r_ad = engine.check_text(ad, "ad")
    r_page = engine.check_text(page, "landing")
    r_many = engine.check_text(long_with_many, "landing")
    assert r_ad.scores[BETH] > 0.7
    assert r_page.scores[BETH] < r_ad.scores[BETH] / 2, "one mention in 3,000 words is weak"
    assert r_many.scores[BETH] > 0.6, "many mentions across a long page stay strong"


def test_every_score_decomposes_into_its_evidence(engine: Engine) -> None:
    r = engine.check_text(ENTERPRISE + "\n\n" + SOLO, channel="landing")
    for pid, score in r.scores.items():
        intensity = sum(e.weight for e in r.evidence
                        if (e.counts_for if e.negated else e.persona) == pid)
        assert score == pytest.approx(to_score(intensity), abs=1e-3)
        assert score == pytest.approx(1 - math.exp(-intensity / SCALE), abs=1e-3)


def test_mixed_names_the_clashing_phrases(engine: Engine) -> None:
    """The rules' mixed verdict (the weighing with the wording turned off), and what the
    shipped weighing makes of the same page: it leads with freelancers, so it reads as the
    target's copy, and the reason still names Beth's cues."""
    text = (
        "Invoicing for freelancers, set up in two minutes\n\n"
        "Start free with no credit card and cancel anytime. Built for one-person businesses.\n\n"
        "Larger organizations get SAML SSO, SCIM provisioning, a security review, procurement "
        "support and a dedicated account manager."
    )
    config = replace(Config(), thresholds=replace(Config().thresholds, blend=1.0))
    rules = Engine(config, personas=engine.personas, pipeline=engine.pipeline)
    r = rules.check_text(text, channel="landing")
    assert r.verdict.label == "mixed", (r.scores, r.verdict)
    assert r.verdict.persona == BETH
    assert len(r.verdict.clashes) >= 2
    weighed = engine.check_text(text, channel="landing")
    assert weighed.verdict.label == "on-target" and weighed.verdict.weighed is not None
    assert '"SAML SSO"' in weighed.verdict.reason and weighed.scores[BETH] == r.scores[BETH]


def test_repeating_a_phrase_has_diminishing_returns(engine: Engine) -> None:
    once = engine.check_text("Our enterprise platform.", "ad").scores[BETH]
    many = engine.check_text("Our enterprise platform. " * 12, "ad").scores[BETH]
    assert many > once
    many_ev = [e for e in engine.check_text("Our enterprise platform. " * 12, "ad").evidence
               if e.persona == BETH and e.kind == "cue"]
    assert many_ev[-1].weight < many_ev[0].weight / 5


def test_evidence_offsets_point_into_the_piece_text(engine: Engine) -> None:
    r = engine.check_text(ENTERPRISE, channel="landing")
    text = r.piece.text
    for e in r.evidence:
        if e.kind == "cue":
            assert text[e.start:e.end] == e.text
            assert e.text in e.sentence


def test_tone_metrics(engine: Engine) -> None:
    heavy = ("The implementation of the governance framework was approved by the steering "
             "committee following the completion of the comprehensive evaluation. "
             "Documentation is maintained by the administration department.")
    plain = "You can send an invoice in a minute. Try it now! Want help? Reply to your welcome email."
    h = engine.check_text(heavy, "blog").tone
    p = engine.check_text(plain, "blog").tone
    assert h["reading_grade"] > p["reading_grade"] + 6
    assert h["passive_ratio"] >= 0.5 > p["passive_ratio"]
    assert h["nominalization_rate"] > 0.1 > p["nominalization_rate"]
    assert p["second_person_ratio"] > 0.5
    assert p["question_rate"] > 0 and p["exclamation_rate"] > 0
    assert p["imperative_ratio"] > 0


def test_long_input_beyond_spacy_max_length(engine: Engine) -> None:
    paragraph = "We keep things simple for small shops. " * 40
    text = "\n\n".join([paragraph] * 800) + "\n\nRequest a demo for SSO and SAML."
    assert len(text) > 1_000_000
    r = engine.check_text(text, "landing")
    assert r.words > 200_000
    assert any(e.text == "SAML" for e in r.evidence)
    saml = next(e for e in r.evidence if e.text == "SAML")
    assert r.piece.text[saml.start:saml.end] == "SAML"


def test_parallel_and_serial_agree(engine: Engine) -> None:
    pieces = [engine.piece_from_text((ENTERPRISE if i % 2 else SOLO) + (" word" * 3000),
                                     source=f"p{i}") for i in range(80)]
    serial = [r.to_dict() for r in engine.check_pieces(pieces, n_process=1)]
    pieces = [engine.piece_from_text((ENTERPRISE if i % 2 else SOLO) + (" word" * 3000),
                                     source=f"p{i}") for i in range(80)]
    parallel = [r.to_dict() for r in engine.check_pieces(pieces, n_process=2)]
    assert [p["scores"] for p in serial] == [p["scores"] for p in parallel]
    assert [p["source"] for p in parallel] == [f"p{i}" for i in range(80)]


def test_announced_large_input_goes_to_the_workers_at_once(engine: Engine, monkeypatch) -> None:
    """``expect_chars`` (file sizes) starts the workers before anything is analysed here;
    check_groups hands the same results over in lists."""
    import audit.engine.engine as engine_module

    texts = [(ENTERPRISE if i % 2 else SOLO) + " word" * 3000 for i in range(12)]
    serial = [_comparable(r) for r in engine.check_pieces(
        [engine.piece_from_text(t, source=f"g{i}") for i, t in enumerate(texts)], n_process=1)]
    analysed_here: list[int] = []
    real_analyse = Engine._analyse
    monkeypatch.setattr(Engine, "_analyse",
                        lambda self, tasks: analysed_here.append(len(tasks)) or real_analyse(self, tasks))
    groups = list(engine.check_groups(
        [engine.piece_from_text(t, source=f"g{i}") for i, t in enumerate(texts)],
        expect_chars=engine_module.PARALLEL_MIN_CHARS, batch_chars=2_000))
    assert not analysed_here, "text was analysed in this process, not by the workers"
    assert len(groups) > 1 and all(groups)
    assert [_comparable(r) for group in groups for r in group] == serial
    assert [r.piece.source for group in groups for r in group] == [f"g{i}" for i in range(12)]


def test_workers_encode_the_pieces_they_finish(engine: Engine) -> None:
    """With encode=True, workers send back pieces as JSON plus a summary (PieceResult.shrink);
    to_json, to_dict and the summary are what a serial, unencoded check gives."""
    from audit.models import compact_json

    texts = [(ENTERPRISE if i % 2 else SOLO) + ' "quoted" \u00e9t\u00e9 \U0001f600' + " word" * 3000
             for i in range(12)]

    def check(**options: Any) -> list[Any]:
        return list(engine.check_pieces(
            [engine.piece_from_text(t, source=f"e{i}") for i, t in enumerate(texts)], **options))

    results = check(n_process=2, expect_chars=10**6, batch_chars=20_000, encode=True)
    serial = check(n_process=1)
    assert sum(r.brief is not None and not r.evidence for r in results) >= 6
    for r, plain in zip(results, serial, strict=True):
        full = plain.to_dict()
        assert r.to_dict() == full
        assert r.to_json() == compact_json(full)
        summary = r.summary()
        assert summary["verdict"] == full["verdict"] and summary["scores"] == full["scores"]
        assert summary["evidence"] == [{k: e[k] for k in ("persona", "group", "weight", "negated")}
                                       for e in full["evidence"]]


def _comparable(result):  # type: ignore[no-untyped-def]
    d = result.to_dict()
    return d["verdict"], d["scores"], d["evidence"], d["tone"], d["words"], d["sentences"]


def test_pieces_sharing_a_doc_score_as_if_alone(engine: Engine) -> None:
    """Small pieces are analysed together in one doc; nothing may leak between them."""
    from audit.evaluate import load_set

    texts = [item.text for item in load_set()][:60]
    texts += ["Hi", "Dear ,", "{{first_name}}", "", "Request a demo", "no SSO needed"]
    alone = [_comparable(engine.check_text(t, "landing", source=f"s{i}"))
             for i, t in enumerate(texts)]
    pieces = [engine.piece_from_text(t, channel="landing", source=f"s{i}")
              for i, t in enumerate(texts)]
    together = [_comparable(r) for r in engine.check_pieces(pieces, n_process=1)]
    assert together == alone


def test_a_none_in_the_stream_flushes_waiting_pieces(engine: Engine) -> None:
    """An audit passes None when no page is waiting: what the engine holds comes out at once."""
    produced: list[str] = []

    def stream():  # type: ignore[no-untyped-def]
        yield engine.piece_from_text(ENTERPRISE, source="first")
        yield None
        assert produced == ["first"], "the first piece waited for the next one"
        yield engine.piece_from_text(SOLO, source="second")

    for r in engine.check_pieces(stream(), n_process=1):
        produced.append(r.piece.source)
    assert produced == ["first", "second"]


def test_with_workers_a_pause_sends_on_pieces_that_have_waited(engine: Engine, monkeypatch) -> None:
    """A slow stream with workers (a polite crawl): a piece is not held for a full batch once
    it has waited FLUSH_SECONDS and the stream pauses; a quick pause does not cut a batch."""
    import threading

    import audit.engine.engine as engine_module

    monkeypatch.setattr(engine_module, "FLUSH_SECONDS", 0.3)
    produced: list[str] = []
    got_first = threading.Event()

    def stream():  # type: ignore[no-untyped-def]
        yield engine.piece_from_text(ENTERPRISE, source="first")
        yield None  # at once: too soon to cut a batch for it
        time.sleep(0.5)
        yield None  # it has waited long enough: off it goes
        assert got_first.wait(20), "the first piece waited for the end of the stream"
        yield engine.piece_from_text(SOLO, source="second")

    for r in engine.check_pieces(stream(), expect_chars=engine_module.PARALLEL_MIN_CHARS):
        produced.append(r.piece.source)
        got_first.set()
    assert produced == ["first", "second"]


def test_empty_piece_gets_a_neutral_result(engine: Engine) -> None:
    r = next(iter(engine.check_pieces([Piece("empty", [])])))
    assert r.verdict.label == "neutral" and r.words == 0


def test_public_api_check_text() -> None:
    r = check_text("Request a demo with our enterprise sales team.", channel="ad")
    assert r.verdict.label == "wrong-audience"
    assert set(r.to_dict()) >= {"scores", "verdict", "evidence", "tone", "words"}


@pytest.mark.trained
def test_trained_profile_adds_parse_cues(trained_engine: Engine) -> None:
    assert trained_engine.profile == "trained"
    r = trained_engine.check_text(ENTERPRISE, channel="landing")
    assert r.verdict.label == "wrong-audience"
    passive = trained_engine.check_text(
        "The contract was signed by the board. Approval is granted by the committee.", "blog")
    assert passive.tone["passive_ratio"] == 1.0
    imperative = trained_engine.check_text("Start your free trial. Send an invoice today.", "ad")
    assert imperative.tone["imperative_ratio"] == 1.0
    # A subject or a modal verb before the root makes a sentence not a call to action.
    mixed = trained_engine.check_text(
        "Start your free trial. You can send an invoice today. We ship fast.", "ad")
    assert mixed.tone["imperative_ratio"] == 0.3333
    # Negation scope from the parse reaches past the word window of the fast profile.
    far = trained_engine.check_text(
        "We never ask small studios with two or three people in them for a security review.",
        "ad")
    assert all(e.negated for e in far.evidence if e.persona == BETH and e.kind == "cue")


@pytest.mark.trained
def test_trained_chunks_joined_score_as_if_alone(trained_engine: Engine, monkeypatch) -> None:
    """The trained profile parses short chunks and analyses them joined into larger docs: a
    piece must score as it does alone, and no cue may run from one piece into the next (the
    first piece ends in "single sign", the second starts with "on")."""
    import audit.analyze.nlp as nlp_module
    from audit.evaluate import load_set

    joins: list[int] = []
    real_join = nlp_module.join_docs

    def counting_join(docs, texts):  # type: ignore[no-untyped-def]
        joins.append(len(docs))
        return real_join(docs, texts)

    monkeypatch.setattr(nlp_module, "join_docs", counting_join)
    filler = "We keep the books tidy for small studios. " * 45
    texts = [filler + "Every plan includes single sign", "on day one you send an invoice.",
             *(item.text for item in load_set()[:40]), "Hi", "", "no SSO needed",
             # One piece over several chunks: its partials come from one joined doc.
             "\n\n".join([ENTERPRISE, SOLO] * 12)]
    with monkeypatch.context() as unjoined:  # the reference: each chunk analysed on its own
        unjoined.setattr(trained_engine, "_join_parsed", False)
        alone = [_comparable(trained_engine.check_text(t, "landing", source=f"s{i}"))
                 for i, t in enumerate(texts)]
    assert not joins

    def pieces() -> list[Piece]:
        return [trained_engine.piece_from_text(t, channel="landing", source=f"s{i}")
                for i, t in enumerate(texts)]

    together = [_comparable(r) for r in trained_engine.check_pieces(pieces(), n_process=1)]
    assert joins and max(joins) > 1
    # Joined, the two would read "single sign on", a cue.
    assert not [e for e in together[0][2] + together[1][2] if "sign" in e["text"].lower()]
    assert together == alone
    # In worker processes too (joins there are not counted here).
    workers = trained_engine.check_pieces(pieces(), n_process=2, expect_chars=PARALLEL_MIN_CHARS)
    assert [_comparable(r) for r in workers] == alone


def test_check_text_refuses_an_unknown_channel(engine: Engine) -> None:
    from audit import InputError

    with pytest.raises(InputError, match="unknown channel 'carrier-pigeon'"):
        engine.check_text("Start free today.", channel="carrier-pigeon")


def test_short_commands_are_imperatives_in_both_profiles(each_engine: Engine) -> None:
    """The tagger reads "Track payments." as a noun phrase; a sentence with no subject that
    opens on a command verb is still an imperative."""
    r = each_engine.check_text("Send invoices. Track payments. Get paid faster. Try it now.", "ad")
    assert r.tone["imperative_ratio"] == 1.0
    r = each_engine.check_text("We help you grow. Our team tracks payments. You can start.", "ad")
    assert r.tone["imperative_ratio"] == 0.0


def test_repeats_past_fifty_are_folded_and_still_add_up(engine: Engine) -> None:
    """A run-on page repeating one cue thousands of times lists 50 of them and counts the rest
    in meta.evidence_folded; listed plus folded weights still give each score."""
    import json

    from audit.score.scoring import MAX_REPEATS

    text = " ".join(["Our procurement team runs a security review."] * 2_000)
    result = engine.check_text(text)
    data = json.loads(result.to_json())
    texts = [e["text"].lower() for e in data["evidence"] if e["kind"] == "cue"]
    assert max(texts.count(t) for t in set(texts)) == MAX_REPEATS
    folded = data["meta"]["evidence_folded"]
    assert folded["cues"] == 2 * (2_000 - MAX_REPEATS)
    listed = sum(e["weight"] for e in data["evidence"]
                 if e["weight"] > 0 and (e.get("counts_for") or e["persona"]) == "beth-bureaucrat")
    total = listed + folded["weight"]["beth-bureaucrat"]
    assert math.isclose(1 - math.exp(-total / 1.2), data["scores"]["beth-bureaucrat"], abs_tol=2e-3)
    assert len(result.to_json()) < 100 * len(text) // 10  # was ~60x the text


def test_a_piece_with_few_repeats_has_nothing_folded(engine: Engine) -> None:
    import json

    data = json.loads(engine.check_text("Request a demo. Request a demo today.").to_json())
    assert "evidence_folded" not in data["meta"]


def test_watch_words_and_split_list_entries_are_counted(engine: Engine) -> None:
    """Watching words count per occurrence, phrases included; a list entry the tokenizer splits
    ("game-changing", "real-time") is still found (it used to be looked up as one word)."""
    r = engine.check_text("Shoppers near you viewed this lamp. Real-time stock, game-changing "
                          "light.", "ad")
    # shoppers, near you, viewed, real-time, stock: 5 in 12 words (hyphens split words)
    assert r.tone["watch_rate"] == round(5 * 100 / 12, 3)
    assert r.tone["hype_rate"] == round(100 / 12, 3)
    plain = engine.check_text("Our lamp gives warm light for reading in the evening.", "ad")
    assert plain.tone["watch_rate"] == 0


def test_watching_words_order_pieces_without_deciding_them(engine: Engine) -> None:
    """A short push that tells the reader what they looked at, in words no cue lists, ranks
    above a plain one for over-personalisation; with no cue it stays neutral."""
    watched = engine.check_text("Recently browsed: the brass lamp is back.", "ad")
    plain = engine.check_text("The lamp you asked about is back on the shelf.", "ad")
    op = "over-personalization"
    assert watched.scores[op] > plain.scores[op]
    assert not [e for e in plain.evidence if e.persona == op and e.kind != "lean"]
    assert watched.scores[op] < 0.4 and watched.verdict.label == "neutral"
    tone = [e for e in watched.evidence if e.group == "tone:watch_rate"]
    assert len(tone) == 1 and tone[0].persona == op


def test_organisation_words_order_pieces_for_beth_without_deciding_them(engine: Engine) -> None:
    """The same for Beth: words of a large organisation ("policies", "permissions",
    "departments") that no cue lists rank a piece above plain copy for her, without a verdict
    of their own."""
    corporate = engine.check_text("Policies and permissions for departments.", "ad")
    plain = engine.check_text("A notebook for your morning pages and your plans.", "ad")
    beth = "beth-bureaucrat"
    assert corporate.tone["org_rate"] > 0 == plain.tone["org_rate"]
    assert corporate.scores[beth] > plain.scores[beth]
    assert corporate.verdict.label == "neutral"
    assert any(e.group == "tone:org_rate" and e.persona == beth for e in corporate.evidence)


@pytest.mark.parametrize(("text", "metric"), [
    ("No procurement, no security review, no vendors to vet.", "org_rate"),
    ("We never track your location or your activity.", "watch_rate"),
])
def test_a_negated_vocabulary_word_is_not_counted(engine: Engine, text: str, metric: str) -> None:
    """Copy that rejects what the vocabulary names ("no procurement", "we never track your
    location") pulls toward no one: those words leave the tone count."""
    assert engine.check_text(text, "landing").tone[metric] == 0
    kept = text.replace("No procurement, no", "Procurement,").replace("never track", "track")
    assert engine.check_text(kept, "landing").tone[metric] > 0
