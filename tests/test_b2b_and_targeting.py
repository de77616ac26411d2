"""Three readings real copy from outside software asked for: a pasted list keeps its lines apart,
organisations buy through their own paperwork and departments even when no SSO is in sight, and
an article or manual that describes picking content by where a person is, what they searched or
what they earn is describing over-personalisation, as is a sender reciting how the reader's
finances moved and the trade's own words for aiming ads by tracking (retargeting, geofencing),
for singling people out by income or psychographics, and for watching what one recipient did
with a document. Audits and the regulations an organisation answers to draw Beth; a price far
under the usual one draws the bargain hunter. Every text here is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from audit.extract.textsplit import split_plain


def cues(engine: Engine, text: str, persona: str) -> list[tuple[str, bool]]:
    """(text, negated) of each of a persona's cues."""
    return [(e.text, e.negated) for e in engine.check_text(text, channel="landing").evidence
            if e.kind == "cue" and e.persona == persona]


# -- lines of a pasted list ------------------------------------------------------------------

def test_a_pasted_list_keeps_its_lines_as_separate_sentences() -> None:
    body = [s.text for s in split_plain("What you get:\nKeep your own domain\nAvoid lock-in\n"
                                        "Start free, upgrade later\nExport everything")]
    assert body == ["What you get: Keep your own domain\nAvoid lock-in\nStart free, upgrade later"
                    "\nExport everything"]


def test_wrapped_lines_of_a_paragraph_are_joined() -> None:
    text = ("Thanks for ordering from the bakery last week. We wanted to let you know that the\n"
            "sourdough you asked about is back on the shelf from Friday, and that our hours\n"
            "change over the holidays.")
    (section,) = split_plain(text)
    assert "\n" not in section.text


def test_a_negation_on_one_line_does_not_reach_the_next(engine: Engine) -> None:
    text = "Why makers pick Inkpost:\nOwn your list\nAvoid vendor lock-in\nStart free, grow when ready"
    assert ("Start free", False) in cues(engine, text, "susie-solopreneur")


def test_a_plan_name_on_its_own_line_is_a_plan_but_a_shouted_badge_is_not(engine: Engine) -> None:
    assert cues(engine, "Pricing\nFree\n$0 for one writer\nPro\n$12 a month",
                "susie-solopreneur")
    assert not [t for t, _ in cues(engine, "Returns\n30\nDays to return\nFREE\nReturn shipping",
                                   "susie-solopreneur") if t == "FREE"]


# -- organisations buying without software words -------------------------------------------

@pytest.mark.parametrize("text", [
    "Schools, hospitals and government agencies can order on NET 15 terms: send a signed "
    "purchase order on letterhead and our accounts payable contact will confirm within a day.",
    "Open a reseller account: upload your resale certificate and two credit references, and "
    "your buyers can raise purchase orders from the portal.",
    "Gifting that runs itself: connect your HRIS and every employee gets a card on each work "
    "anniversary, with finance approvals kept in one place.",
    "Corporate travel that follows your travel policy, with visibility into spend across all "
    "divisions and subsidiaries.",
])
def test_organisational_buying_outside_software_draws_beth(engine: Engine, text: str) -> None:
    verdict = engine.check_text(text, channel="landing").verdict
    assert (verdict.label, verdict.persona) == ("wrong-audience", "beth-bureaucrat")


@pytest.mark.parametrize("text", [
    "I bake to order from my kitchen in Hove. Pay by card when you collect, no account needed.",
    "The league has four divisions and the top two teams go up each spring.",
    "Trade in your old phone and get credit toward a new one.",
])
def test_everyday_words_near_those_stay_quiet_for_beth(engine: Engine, text: str) -> None:
    assert not cues(engine, text, "beth-bureaucrat")


# -- content picked by a person's place, searches or pay --------------------------------------

@pytest.mark.parametrize("text", [
    "Our display ads are geo-aware: each one can determine where the viewer is and swap in a "
    "local offer.",
    "On the home page, visitors from Denver are shown snow tyres while the same slot offers "
    "sun shades elsewhere.",
    "The engine reads the member's profile; if it holds a high salary range, the page features "
    "the premium cabin first.",
    "A rule might show the sports range to visitors in the 18-to-24 age group in the north.",
    "We use data on browsing behaviour and past purchases to change which deals each shopper "
    "sees.",
    "Since your last loan your credit score has risen 40 points, so we have an offer ready.",
    "Retargeting puts your ads back in front of people who left the shop without buying.",
    # an explainer of the tactic is labelled over-personalisation too
    "Geofencing is a location-based tactic that marketers use to place ads.",
    "With location data we can show an ad to anyone who walks past a rival's front door.",
    "Since the rash I keep seeing ads for things I googled at two in the morning.",
])
def test_describing_content_picked_by_personal_data_is_over_personalisation(
        engine: Engine, text: str) -> None:
    assert cues(engine, text, "over-personalization")


@pytest.mark.parametrize("text", [
    "Our shop is in Denver, and visitors are welcome on Saturdays.",
    "The salary range for this role is listed in the job advert.",
    "Tell us where you are when you call so we can send the nearest engineer.",
    "Heads up: your balance has dropped below the 50 pound alert you set this month.",
    "We use analytics and remarketing cookies; switch them off in your settings.",
    "Ads are shown based on a profile drawn from your browsing habits; manage it in settings.",
])
def test_plain_mentions_of_places_and_pay_are_not(engine: Engine, text: str) -> None:
    assert not cues(engine, text, "over-personalization")


def test_a_refusal_of_retargeting_is_negated(engine: Engine) -> None:
    assert cues(engine, "We never retarget visitors and keep no location data.",
                "over-personalization") == [("retarget visitors", True)]
    assert cues(engine, "We never show personalised ads.", "over-personalization") == [
        ("personalised ads", True)]


# -- targeting by who people are, said in the trade's words -------------------------------------

@pytest.mark.parametrize("text", [
    "Our audience tool lets a lender target shoppers based on their income and the car they "
    "drive.",
    "Psychographic profiling tells you which visitors will respond to a feel-good story.",
    "Once switched on, the flow will identify visitors who last viewed a sofa at full price.",
    "Each sequence tracks whether subscribers visit the pricing page, then sends the next email.",
    "Our dashboard names which companies are on your website, with head count.",
    # how the tracking behind an ad works, told to the reader or sold to a marketer
    "We use the apps you use and the websites you visit to choose the offers you see.",
    "After a guest leaves, our banners follow them around the web until they book.",
    "Switch on interest-based advertising to reach readers with matching products.",
    "From the games on your phone we may infer that you are a student.",
    "Append age, income and marital status to every address on your list.",
    "Our pixel quietly tags each visitor and records the rooms they viewed.",
    "Identity resolution links each anonymous browser to a postal address.",
    "The model predicts which homeowners will sell this year from court and utility records.",
    "Build campaigns around life events such as a new baby or a house move.",
    "We read your emails to find every order you placed.",
])
def test_vendor_talk_of_singling_people_out_is_over_personalisation(
        engine: Engine, text: str) -> None:
    assert any(not negated for _, negated in cues(engine, text, "over-personalization"))


@pytest.mark.parametrize("text", [
    "Our workshop helps you pick a target market and write one clear offer for it.",
    "Track whether your parcel has been delivered from the orders page.",
    "Identify the plants in your garden with a photo.",
    "Follow the pages you visit most from the bookmarks bar.",
    "It works with the apps you use every day.",
    "After a qualifying life event you may change your health plan.",
])
def test_everyday_targets_and_tracking_stay_quiet(engine: Engine, text: str) -> None:
    assert not cues(engine, text, "over-personalization")


# -- audits and the rulebook an organisation answers to -----------------------------------------

@pytest.mark.parametrize("text", [
    "Keep every certificate in one register so your organisation is ready for an audit.",
    "Our archive service keeps your records compliant with data protection and sector "
    "regulations, and hands auditors a full trail.",
    "Built for IT teams running thousands of laptops across regions.",
])
def test_audits_and_regulation_draw_beth(engine: Engine, text: str) -> None:
    assert cues(engine, text, "beth-bureaucrat")


def test_a_grammar_check_is_not_an_audit(engine: Engine) -> None:
    assert not cues(engine, "Our editor checks your spelling so every post is ready to share.",
                    "beth-bureaucrat")


# -- a reader's every move told to the sender, and pushes as people pass a shop -------------------

@pytest.mark.parametrize("text", [
    "Send the quote as a link and see exactly when your client opened it and which pages they "
    "skipped.",
    "Reports list the time the recipient spent on each page, plus section dwell for the pricing "
    "table.",
    "Cross-device tracking joins a phone visit and a laptop visit into one profile.",
    "The fit widget picks a size based on a shopper's past purchases of jeans.",
    "The moment a customer walks past one of your branches, an offer pops up on their phone.",
    "An exit-intent pop-up appears as the pointer heads for the close button.",
    "We analyse each visitor's clicks to decide which banner they get next.",
])
def test_watching_one_reader_or_passer_by_is_over_personalisation(engine: Engine, text: str) -> None:
    assert any(not negated for _, negated in cues(engine, text, "over-personalization"))


@pytest.mark.parametrize("text", [
    "See when your parcel arrives and who signed for it.",
    "Customers earn points based on their purchases at any of our shops.",
    "We walk past the old mill on the second day of the hike.",
])
def test_plain_tracking_of_parcels_points_and_walks_is_not(engine: Engine, text: str) -> None:
    assert not cues(engine, text, "over-personalization")


# -- prices far under the usual one, and bargains named as such ---------------------------------

@pytest.mark.parametrize("text", [
    "Refurbished kettles are a chance to bag yourself a bargain.",
    "Glitch fares sometimes land 80 percent under the usual price of a seat.",
    "Never overpay again: the best deals, checked every morning.",
    "Free shipping over $40, plus a free $10 gift card on orders over $60.",
    "Blow out offers on selected lenses all week.",
])
def test_price_far_below_the_usual_draws_the_bargain_hunter(engine: Engine, text: str) -> None:
    assert cues(engine, text, "bargain-hunter")
