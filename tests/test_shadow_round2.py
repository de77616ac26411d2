"""Fixes found on the second round of shadow sets (pricing FAQs, indie and shop copy, vendor
pages about tracking, blog commentary on marketing tactics), and the matcher rule that made a
pack's "freelancer" miss "freelancers". Each fix has the case it mends and a guard it must not
break. Every sentence here is our own."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import Config, Engine
from audit.packs.locations import SHIPPED_PACKS
from tests.support.cues import fired_groups, verdict_of

# --- the matcher: plurals of words the lemma table does not know -------------------------------

@pytest.mark.parametrize(("text", "group"), [
    ("We help freelancers send their first invoice.", "small-business-identity"),
    ("Built for bootstrappers and owner-operators.", "small-business-identity"),
    ("No complex setups, just one more user role.", "plain-simple"),
    ("Two approvers must sign the order form.", "approval-and-sign-off"),
])
def test_plural_of_a_word_the_lemma_table_lacks_matches_its_term(
        engine: Engine, text: str, group: str) -> None:
    assert group in fired_groups(engine, text), text


def test_a_users_own_pack_term_matches_its_plural(tmp_path: Path) -> None:
    """"chatbot" is not in the lemma table: written in a user's pack, it still finds
    "chatbots"; "forever" and other words that take no plural are left alone."""
    own = tmp_path / "packs"
    own.mkdir()
    for pack in SHIPPED_PACKS.glob("*.yaml"):
        (own / pack.name).write_text(pack.read_text(encoding="utf-8"), encoding="utf-8")
    (own / "bot-buyer.yaml").write_text(
        'id: bot-buyer\nname: Bot buyer\nkind: anti-persona\nversion: "1"\ncolor: "#334455"\n'
        "cues:\n  - group: bots\n    weight: 1\n    terms: [chatbot, free forever]\n"
        "    suggest: [a person who answers]\n    note: Bots put off our readers.\n",
        encoding="utf-8")
    mine = Engine(Config(personas=(own,)), model="fast")
    hits = {e.text for e in mine.check_text("Our chatbots answer at night.").evidence
            if e.persona == "bot-buyer"}
    assert hits == {"chatbots"}
    assert not [e for e in mine.check_text("Free forevers are rare.").evidence
                if e.persona == "bot-buyer"]


# --- Susie: terms of a plan said with words in between -----------------------------------------

@pytest.mark.parametrize(("text", "group"), [
    ("Cancel, pause or switch your plan at any time.", "affordable-pricing"),
    ("We bill $12 a month; cancel easily at any time.", "affordable-pricing"),
    ("There is no minimum time commitment and no cancellation fee.", "affordable-pricing"),
    ("No per-seat pricing, no user-seat pricing, one bill.", "affordable-pricing"),
    ("Individual plans get 60 days free.", "individual-use"),
    ("Nothing to enter up front: no payment info required.", "self-serve-start"),
    ("I'm one person, and I answer every email myself.", "small-business-identity"),
    ("Set up your shop tonight and get paid for your prints.", "get-results"),
    ("As simple as a notebook, as tidy as a spreadsheet.", "plain-simple"),
    ("Plan your week without the chaos of a project suite.", "plain-simple"),
    ("Read the short guide and get your shop up and running.", "plain-simple"),
])
def test_plan_terms_and_plain_promises_count_for_susie(engine: Engine, text: str, group: str) -> None:
    assert group in fired_groups(engine, text), text


@pytest.mark.parametrize(("text", "group"), [
    ("You cannot cancel your plan at any time during the fixed term.", "affordable-pricing"),
    ("Calculating the rate is as simple as calling the rates service.", "plain-simple"),
    ("Make sure you're up and running with the API before this step.", "plain-simple"),
])
def test_a_denied_or_documented_promise_does_not_count(engine: Engine, text: str, group: str) -> None:
    assert group not in fired_groups(engine, text), text


# --- over-personalization: pressure on a cart, distance, surveillance sold to owners -----------

@pytest.mark.parametrize("text", [
    "You left three lamps in your basket. We saved them, but they won't last forever.",
    "Those boots sell well and we can't guarantee your size will stay in stock.",
    "Your saved picks may sell out soon.",
    "Since you downloaded our moving checklist last week, here is our van offer.",
    "Found it! A second-hand sofa just 2 km away from you. Tap to see it.",
    "Our widget shows each visitor the purchases made by other customers.",
    "A social widget that pushes real-time notifications to visitors and influences them to buy.",
    "Fake view counters build a sense of demand and urgency on every page.",
    "Know exactly who visited your pricing page, by name and job title.",
    "We log their IP address and track anonymous visitors over time.",
    "Someone spent 40 minutes on your site last night. Send them a note.",
    "To the person in Leith who played the same lullaby all winter: we see you.",
    "We help people like you who recently moved find a dentist.",
    "As someone who has shown interest in garden tools, you may like our new shears.",
    "An evergreen timer gives every new visitor their own deadline.",
])
def test_pressure_and_surveillance_read_as_a_risk(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text, "email") == ("risk", "over-personalization"), text


@pytest.mark.parametrize("text", [
    "The café is just 5 minutes away from the beach.",
    "The hotel is just 2 km away from the station.",
    "We never track visitors across sites and we do not log their IP address.",
    "You watched 3 videos of the course this week, keep it up!",
    # criticised or given as an example, not used
    "Some booking sites use tactics such as a fake room count to pressure users into paying.",
    "Fake scarcity destroys trust the first time a shopper notices it.",
])
def test_places_privacy_promises_and_criticism_stay_quiet(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text, "email")[0] != "risk", text


def test_free_forever_in_brackets_is_free_forever(engine: Engine) -> None:
    assert "free-forever" in fired_groups(engine, "FREE (forever): up to three clients.")
    assert "free-forever" not in fired_groups(engine, "Free (for 14 days), then $9 a month.")
