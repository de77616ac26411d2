"""Behavioural and demographic call-outs the over-personalization pack reads by their shape
(a count of what the reader watched, a segment called out in public, an age or gender named as
the reason to buy, a body reading told back), and the ordinary copy in the same words that must
stay quiet: consent lines of newsletters, course progress, tax notes. Every text is our own."""

from __future__ import annotations

import pytest

from audit import Engine


@pytest.mark.parametrize("text", [
    # a count of content consumed, with its topic or its hour
    "You watched five episodes of the baking show after midnight. One more?",
    "You've read 9 articles about knee pain this month, so here is our brace.",
    "You listened to 3,100 minutes of rainy-day jazz this year. Time for a record player?",
    # a segment called out in public by what its members did, with a count
    "To the 61 people who streamed the same sea shanty every day for two weeks: are you okay?",
    "Dear listener who played the wedding playlist 30 times in June, congratulations?",
    # age or gender as the reason to buy
    "As a woman in her 40s, you owe yourself this night cream.",
    "Dads like you deserve a proper barbecue.",
    "Divorced and over 50? Meet someone this weekend.",
    # place, hour and body told back
    "People like you in Cardiff are ordering this rain jacket today.",
    "Lonely singles near you are waiting to chat.",
    "We know you're in Porto this weekend. Book a table by the river.",
    "We saw you up at 2am again. Our sleep tea can help.",
    "Your resting heart rate jumped last night. Try our calming drops.",
    "This offer reaches you because you recently moved to Swindon.",
    "We can see you haven't booked a class in 3 weeks. Missing us?",
    # life events nobody told the shop, records joined up, friends named from a social graph
    "Congratulations on the new baby! Our photo cards ship tomorrow.",
    "Newly separated? Studio flats near your old street are waiting.",
    "We linked your phone number with your shop account and found you work at Brightwell.",
    "Your friends Lena and Omar bought these sandals. Join them?",
    # selling a shop the means to pressure its visitors
    "Our plugin shows new visitors that other shoppers are buying right now.",
    "Add a recent sales popup and a live visitor counter to every product page.",
    "Countdown bars create a real sense of urgency for hesitant buyers.",
    "The widget displays recent orders on your shop so every visit feels busy.",
])
def test_callouts_are_a_risk(engine: Engine, text: str) -> None:
    verdict = engine.check_text(text, channel="email").verdict
    assert (verdict.label, verdict.persona) == ("risk", "over-personalization")


@pytest.mark.parametrize("text", [
    # the consent line at the foot of a newsletter
    "You're receiving this email because you signed up for our newsletter at the fair.",
    "You are getting this message because you are a member of the garden club.",
    "Because you are a subscriber, delivery is free this month.",
    # tax and order status, not targeting
    "Because you live in Norway, prices shown include VAT.",
    "As you ordered before noon, the parcel leaves today.",
    # progress and quotas, not surveillance
    "You've read 2 of your 4 free stories this month. Subscribe to keep reading.",
    "You watched 3 videos of the course this week, keep it up!",
    "You read 6 chapters of the handbook? Here is the next one.",
    # words near the shapes
    "To the 300 people who joined our pilot: thank you.",
    "Women like you are building the shops of tomorrow.",
    "Parents like you trust our car seats.",
    "Over 40 recipes and counting!",
    "We know you're in a rush, so this guide is short.",
    "Your weight plan is ready: log in to see this week's meals.",
    "We see you haven't confirmed your email yet. One tap finishes it.",
    "Congratulations on your first sale! Here is how payouts work.",
    "Recently moved? Change your delivery address in settings.",
    "Your friend Jonas sent you a voucher. Use it at checkout.",
    "Your colleagues can open the shared board once you invite them.",
    "Regulators say shops that create a false sense of urgency use a deceptive pattern.",
    "We never add sales pop-ups or visitor counters to your store.",
    "Order notifications tell you the moment a customer buys.",
])
def test_ordinary_copy_in_the_same_words_stays_quiet(engine: Engine, text: str) -> None:
    result = engine.check_text(text, channel="email")
    assert result.verdict.label != "risk", [(e.group, e.text) for e in result.evidence]
