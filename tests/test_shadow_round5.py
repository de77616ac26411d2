"""Fixes found on the fifth round of shadow sets (December: software for teams and for people
who work alone, shops' emails, ads, travel and apps): places left without "only", members told
who looked at their profile, prospects reported the moment they arrive, sign-ups counted by
the hour, and a lifetime deal spelt apart. Each fix has the case it mends and a guard it must
not break. Every sentence here is our own."""

from __future__ import annotations

import pytest

from audit import Engine
from tests.support.cues import fired_groups, verdict_of

RISK = ("risk", "over-personalization")


@pytest.mark.parametrize(("text", "group"), [
    ("Upgrade and see everyone who viewed your portfolio this month.", "visitor-surveillance"),
    ("Go Plus to discover who has been viewing your CV.", "visitor-surveillance"),
    ("A recruiter just viewed your profile - reply before they move on!", "visitor-surveillance"),
    ("Turn on alerts for new visitors to your profile.", "visitor-surveillance"),
    ("Get notified the moment a target account lands on your pricing page.",
     "visitor-surveillance"),
    ("We alert you instantly when they return to your website.", "visitor-surveillance"),
    ("57 founders joined in the last 2 hours", "live-viewer-pressure"),
    ("9 spots left for the evening workshop.", "fake-scarcity"),
])
def test_watching_members_and_counting_the_hour_is_over_personalisation(
        engine: Engine, text: str, group: str) -> None:
    assert group in fired_groups(engine, text)
    assert verdict_of(engine, text) == RISK


@pytest.mark.parametrize("text", [
    "You can edit who sees your profile under Privacy.",
    "We email you when someone replies to your post.",
    "Over 8,000 bakers joined the guild since 2019.",
    "You have 2 seats left on your plan.",
])
def test_profile_settings_yearly_tallies_and_allowances_are_not_watching(
        engine: Engine, text: str) -> None:
    assert verdict_of(engine, text)[0] != "risk"


def test_a_lifetime_deal_spelt_apart_is_still_one(engine: Engine) -> None:
    text = "Bought our Life Time Deal? Redeem each code for one more workspace."
    assert "free-forever" in fired_groups(engine, text)
