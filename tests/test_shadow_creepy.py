"""Cue families found missing or over-eager on a shadow set centred on over-personalisation
(kept outside the repository): viewer counts still written as placeholders, invented orders
under a softer name, counters of who viewed or bought a product, tools that name anonymous
visitors, messages fired as people move through a place, the interest a reader was seen to
show, and a privacy notice that names the reader's location only to say it is not taken.
Each fix has the case it catches and a guard it must leave alone. Every text is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.cues import fired_groups as groups
from tests.support.cues import verdict_label as label

# -- a live count still written as its placeholder -----------------------------------------------

@pytest.mark.parametrize("text", [
    "🔥 {count} shoppers are viewing this lamp right now",
    "Careful: [N] other shoppers are eyeing these boots.",
    "{{ n }} customers have this in their carts",
    "%num% visitors just bought this candle",
])
def test_a_placeholder_count_of_watchers_is_live_viewer_pressure(engine: Engine, text: str) -> None:
    assert "live-viewer-pressure" in groups(engine, text)
    assert label(engine, text) == "risk"


@pytest.mark.parametrize("text", [
    "{count} customers left a review for this lamp.",
    "Hi {{name}}, [X] items in your order have shipped.",
    "{{ n }} users are on the team plan.",
])
def test_a_placeholder_beside_ordinary_counts_stays_quiet(engine: Engine, text: str) -> None:
    assert "live-viewer-pressure" not in groups(engine, text)


# -- invented orders under a softer name ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Quiet week? The plugin can show virtual orders in the pop-up until real ones arrive.",
    "Turn on random buyers and we'll display dummy orders from big cities.",
])
def test_showing_invented_orders_is_social_proof_from_nowhere(engine: Engine, text: str) -> None:
    assert "social-proof-feed" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "Create dummy orders in the sandbox to test your checkout flow.",
    "Virtual products such as e-books need no shipping address.",
])
def test_test_orders_and_virtual_goods_are_not_invented_orders(engine: Engine, text: str) -> None:
    assert "social-proof-feed" not in groups(engine, text)


# -- counters of who viewed or bought a product, sold to shops ------------------------------------

@pytest.mark.parametrize("text", [
    "Our add-on can show how many customers bought this product in the past week.",
    "The widget shows the number of views of the product beside its price.",
])
def test_selling_a_product_page_counter_is_a_pressure_widget(engine: Engine, text: str) -> None:
    assert "pressure-widgets" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "The monthly report shows how many customers bought each product.",
    "Your dashboard displays the number of orders for your store this quarter.",
])
def test_owner_reports_are_not_pressure_widgets(engine: Engine, text: str) -> None:
    assert "pressure-widgets" not in groups(engine, text)


# -- naming the people behind anonymous visits -------------------------------------------------

@pytest.mark.parametrize("text", [
    "Our pixel lets you identify your website visitors and email them the same afternoon.",
    "Anonymous visitor identification turns quiet traffic into a list of names.",
])
def test_selling_visitor_identification_is_data_from_elsewhere(engine: Engine, text: str) -> None:
    assert "data-from-elsewhere" in groups(engine, text)
    assert label(engine, text) == "risk"


@pytest.mark.parametrize("text", [
    "We count page views without cookies and never identify visitors.",
    "Use the guest list to identify returning visitors at the front desk.",
])
def test_privacy_promises_and_front_desks_are_not_identification(engine: Engine, text: str) -> None:
    assert "data-from-elsewhere" not in groups(engine, text)


# -- messages fired as people move through a place ----------------------------------------------

def test_messages_when_users_enter_an_area_are_location_targeting(engine: Engine) -> None:
    text = "Ping your shoppers with an offer when your users enter a chosen area around the mall."
    assert "location-and-device" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "Say hello when customers enter the shop; it costs nothing.",
    "We show a short survey when visitors leave the page.",
])
def test_greeting_in_a_shop_and_exit_surveys_are_not_location_targeting(engine: Engine,
                                                                         text: str) -> None:
    assert "location-and-device" not in groups(engine, text)


# -- the interest a reader was seen to show -----------------------------------------------------

def test_interest_seen_as_the_reason_to_write_is_a_targeting_explanation(engine: Engine) -> None:
    text = "I'm writing because you have shown a strong interest in our hiking range lately."
    assert "targeting-explanation" in groups(engine, text, "email")


@pytest.mark.parametrize("text", [
    "Thanks for showing interest in our workshop; the recording is attached.",
    "Since you expressed interest in the beta, here is your invite link.",
])
def test_interest_the_reader_expressed_is_their_own_doing(engine: Engine, text: str) -> None:
    assert "targeting-explanation" not in groups(engine, text, "email")


# -- the reader's location named only to say it is not taken -----------------------------------

@pytest.mark.parametrize("text", [
    "Your precise location is never stored, and you can browse without an account.",
    "The app asks before it reads your current location, and you can say no.",
])
def test_a_privacy_notice_naming_the_location_is_not_tracking(engine: Engine, text: str) -> None:
    assert "location-and-device" not in groups(engine, text)
    assert label(engine, text) != "risk"


@pytest.mark.parametrize("text", [
    "We know your exact location, so here is a coupon for the café next door.",
    "Based on your current location, three bakeries near you have fresh rolls.",
])
def test_claiming_the_readers_location_still_counts(engine: Engine, text: str) -> None:
    assert "location-and-device" in groups(engine, text, "email")


# -- "low stock" as a badge, not as the owner's inventory alert -------------------------------

@pytest.mark.parametrize("text", [
    "Low stock – grab yours.",
    "Colour: sage. Availability: Low stock",
])
def test_a_low_stock_badge_is_fake_scarcity(engine: Engine, text: str) -> None:
    assert "fake-scarcity" in groups(engine, text)


@pytest.mark.parametrize("text", [
    "The shop owner gets a low stock alert by email before a bestseller runs out.",
    "Set a low stock threshold per product and we'll ping you in Slack.",
    "Tell me when a bag is low stock so I can reorder from the tannery.",
    "The report lists the warehouse with the lowest stock first.",
])
def test_the_owners_inventory_alerts_are_not_fake_scarcity(engine: Engine, text: str) -> None:
    assert "fake-scarcity" not in groups(engine, text)


# -- the reader's own cart named back: a service line, even as a heading -----------------------

def test_a_calm_cart_reminder_with_a_heading_stays_under_the_risk_line(engine: Engine) -> None:
    text = ("# You forgot something in your basket\n\n"
            "Hello! Your order for the oak chopping board is saved. Pick it up whenever suits you.")
    assert "cart-reminder" in groups(engine, text, "email")
    assert "tracking-references" not in groups(engine, text, "email")
    assert label(engine, text, "email") != "risk"


@pytest.mark.parametrize("text", [
    "# You left something behind\n\nThe linen apron in your bag won't last long, so check out today.",
    "We noticed you left something in your cart after lunch. Shall we hold it?",
])
def test_a_cart_reminder_with_pressure_or_tracking_is_still_risk(engine: Engine, text: str) -> None:
    assert label(engine, text, "email") == "risk"


@pytest.mark.parametrize("text", [
    "It has never been easier to send a quote: set it up in minutes.",
    "Booking a table has never been this simple.",
])
def test_never_been_easier_praises_rather_than_denies(each_engine: Engine, text: str) -> None:
    cues = [e for e in each_engine.check_text(text, channel="landing").evidence if e.kind == "cue"]
    assert cues and not any(e.negated for e in cues if e.persona == "susie-solopreneur")


def test_never_been_still_denies_a_practice(each_engine: Engine) -> None:
    result = each_engine.check_text("We have never been tracking your browsing history.",
                                    channel="landing")
    assert all(e.negated for e in result.evidence if e.group == "tracking-references")
    assert result.verdict.label != "risk"
