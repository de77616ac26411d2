"""Fixes found on the fourth round of shadow sets (SaaS and prosumer pages, retail and consumer
messages, vendor blogs, ads and appeals): behaviour noticed elsewhere, a crowd from the reader's
place, items in other people's carts, tracking sold to marketers, referral and group discounts,
home trials, a company's accounts and sites, a trade's small business, and the small print of
an offer. Each fix has the case it mends and a guard it must not break. Every sentence here is
our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.cues import fired_groups, verdict_of

RISK = ("risk", "over-personalization")
BARGAIN = ("wrong-audience", "bargain-hunter")
BETH = ("wrong-audience", "beth-bureaucrat")


@pytest.mark.parametrize(("text", "group"), [
    ("Noticed you're active on cycling forums - how is the season going?", "behaviour-callout"),
    ("We saw you have been posting in the climbing group again.", "behaviour-callout"),
    ("Dear person in the Old Town who played one lullaby 300 times this winter.",
     "visitor-surveillance"),
    ("This lamp is also in another shopper's cart.", "live-viewer-pressure"),
    ("This ring is in 3 other carts right now.", "live-viewer-pressure"),
    ("48 neighbours from your town have already signed the petition.", "social-proof-feed"),
    ("The snippet records their behaviour on every page.", "behaviour-targeting"),
    ("The platform records every visitor's clicks and scroll depth.", "behaviour-targeting"),
    ("Trigger a push as people enter or leave a set zone.", "behaviour-targeting"),
    ("Ping shoppers as they walk into a competitor's store.", "behaviour-targeting"),
])
def test_watching_and_crowding_the_reader_is_over_personalisation(engine: Engine, text: str,
                                                                 group: str) -> None:
    assert group in fired_groups(engine, text)
    assert verdict_of(engine, text) == RISK


@pytest.mark.parametrize("text", [
    "When customers enter the store, greet them by name.",
    "Monitor the behaviour of your services with alerts.",
    "The museum has 3 other carts of books for sale.",
    "Track their progress with weekly reports for your students.",
])
def test_shop_floor_advice_and_software_monitoring_are_not_watching(engine: Engine,
                                                                    text: str) -> None:
    assert verdict_of(engine, text) == ("neutral", None)


@pytest.mark.parametrize("text", [
    "Refer a friend and get a month free.",
    "Invite a friend: you both get 20 dollars of credit.",
    "Earn referral credit for every friend who joins.",
    "Students get a discount of half the monthly price.",
    "Student discount: 8 dollars a month with a valid school email.",
    "Your first lesson is free.",
    "Try the sofa for 100 nights and send it back if you don't love it.",
    "Every mattress comes with a 200-night trial.",
])
def test_rewards_group_discounts_and_home_trials_court_the_bargain_hunter(engine: Engine,
                                                                          text: str) -> None:
    assert verdict_of(engine, text) == BARGAIN


@pytest.mark.parametrize("text", [
    "Refer to the guide for your friends list settings.",
    "Send it back to us with the form below.",
    "Our app helps you with the first session of therapy.",
])
def test_plain_words_around_them_do_not(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text) == ("neutral", None)


@pytest.mark.parametrize("text", [
    "We bill approved corporate accounts monthly.",
    "Add employees one by one or upload a CSV of your staff.",
    "Roll it out across all fifty of your franchise locations.",
    "Corporate billing needs a minimum order of 200 units.",
    "Global roll-outs take months.",
])
def test_a_companys_accounts_staff_and_sites_court_beth(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text) == BETH


@pytest.mark.parametrize("text", [
    "Roll out your mat quietly.",
    "Invite team members to comment on your drafts.",
    "We have offices in ten cities.",
])
def test_a_mat_a_small_team_and_an_office_list_do_not(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text) == ("neutral", None)


@pytest.mark.parametrize("text", [
    "Made for running your mobile dog grooming business.",
    "I stopped chasing my pupils for lesson fees.",
    "Written for coaches with between 10 and 40 active clients.",
])
def test_a_trades_small_business_is_the_target(engine: Engine, text: str) -> None:
    assert verdict_of(engine, text) == ("on-target", None)


def test_a_large_business_is_not(engine: Engine) -> None:
    text = "A platform for running a global logistics business."
    assert "small-business-identity" not in fired_groups(engine, text)


@pytest.mark.parametrize("text", [
    "Why does my basket show a countdown?",
    "Offers end when the sale ends or while supplies last, whichever occurs first.",
    "Paste your promo code into the box at checkout.",
    "Shoppers may only redeem one voucher code per basket.",
])
def test_an_offers_small_print_and_help_are_informational(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="landing")
    cues = [e for e in result.evidence if e.kind == "cue"]
    assert cues and all(e.context == "informational" for e in cues)
    assert result.verdict.label == "neutral"


def test_the_same_help_words_with_the_saving_are_still_the_offer(engine: Engine) -> None:
    assert verdict_of(engine, "Enter code SAVE20 in the promo field for 20% off.") == BARGAIN
