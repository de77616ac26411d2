"""Check a draft: paste copy or upload a file and see, at once, who it attracts and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from ...errors import InputError
from ...sources.readers import kind_of, piece_from_bytes
from ..charts import score_chart
from ..explain import (
    evidence_rows,
    no_rewrites_text,
    rewrites,
    sentence_rows,
    tone_rows,
    verdict_headline,
)
from ..highlight import Swatch, md_escape, rewrites_html, sections_html, text_block
from .common import engine, engine_palette, page_header, show_legend

RESULT_KEY = "check_result"
#: Set by the example button's callback: check the example on this run of the page.
EXAMPLE_KEY = "draft_check_example"
UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm", "eml"]
EXAMPLE = (
    "Streamline stakeholder alignment with our enterprise-grade governance platform. "
    "Request a demo and our solutions team will prepare a quote for your procurement process.\n\n"
    "Start free in two minutes. No sales calls, no contracts: pay monthly and cancel anytime."
)


def render() -> None:
    page_header("Check a draft",
                "Paste copy or upload a file to see which audience it attracts: your target "
                "customer or an anti-persona. Every cue is highlighted, with what to write instead.")
    eng = engine()
    channels = list(eng.config.channels)
    with st.container(border=True):
        paste, upload = st.tabs(["Paste text", "Upload a file"])
        with paste:
            text = st.text_area("Draft copy", key="draft_text", height=180,
                                placeholder="Paste a headline, email, ad or landing page copy…")
            st.button("Try an example", type="tertiary", key="draft_example", on_click=_use_example,
                      help="Fill in an example draft and check it.")
        with upload:
            file = st.file_uploader("A draft file (txt, md, html or eml)", type=UPLOAD_TYPES,
                                    key="draft_file")
        left, right = st.columns([1, 1])
        channel = left.selectbox("Channel", channels, key="draft_channel",
                                 index=channels.index("draft") if "draft" in channels else 0,
                                 help="Where the copy will appear; reports group pieces by channel.")
        right.write("")
        right.write("")
        go = right.button("Check this draft", type="primary", width="stretch", key="draft_check")
    if st.session_state.pop(EXAMPLE_KEY, False):
        _run_check(EXAMPLE, None, channel)
    elif go:
        _run_check(text or "", file, channel)
    result = st.session_state.get(RESULT_KEY)
    if result is None:
        st.info("Paste some copy (or upload a file) and press **Check this draft**.")
        return
    _show_result(result, engine_palette())


def _use_example() -> None:
    """Runs before the page is drawn again, so the text box can still take a new value (set
    after the box exists, Streamlit raises StreamlitWidgetAlreadyInstantiatedError)."""
    st.session_state["draft_text"] = EXAMPLE
    st.session_state[EXAMPLE_KEY] = True


def _run_check(text: str, file: Any, channel: str) -> None:
    """Check the uploaded file if there is one, else the pasted text; keep the result."""
    eng = engine()
    try:
        if file is not None:
            piece = piece_from_bytes(file.getvalue(), file.name, channel=channel,
                                     kind=kind_of(Path(file.name)),
                                     max_bytes=eng.config.max_file_bytes)
        elif text.strip():
            piece = eng.piece_from_text(text, channel=channel)
        else:
            st.warning("There is nothing to check yet: paste some copy or upload a file.")
            return
    except InputError as exc:
        st.error(md_escape(f"Cannot read {exc.source}: {exc.message}"))
        return
    result = eng.check_piece(piece).to_dict()
    result["sections"] = [{"role": s.role, "text": s.text} for s in piece.sections]
    st.session_state[RESULT_KEY] = result


def _show_result(result: dict[str, Any], swatches: dict[str, Swatch]) -> None:
    eng = engine()
    target = eng.config.target
    headline, level = verdict_headline(result["verdict"], swatches, target)
    reason = result["verdict"].get("reason", "")
    getattr(st, level)(f"**{md_escape(headline)}**" + (f"  \n{md_escape(reason)}" if reason else ""))
    if result.get("source") not in (None, "", "<draft>"):
        st.caption(f"Checked the uploaded file {md_escape(result['source'])} as "
                   f"{md_escape(result['channel'])} copy. Remove it from **Upload a file** to check "
                   "pasted text instead.")
    for warning in (result.get("meta") or {}).get("warnings", ()):  # e.g. an email body lost
        st.warning(md_escape(f"Part of this file may not have been read: {warning}"),
                   icon=":material/warning:")

    scores_col, facts_col = st.columns([3, 1])
    with scores_col:
        st.subheader("Pull toward each persona")
        st.altair_chart(score_chart(result["scores"], swatches, target, eng.config.thresholds.strong),
                        width="stretch")
    with facts_col:
        tone = result.get("tone", {})
        st.metric("Words", f"{result.get('words', 0):,}")
        st.metric("Reading grade", f"{tone.get('reading_grade', 0):.1f}")
        st.metric("Cues found", sum(1 for e in result["evidence"] if e.get("kind") == "cue"))

    st.subheader("Your copy, highlighted")
    used = {e["persona"] for e in result["evidence"] if e.get("kind") == "cue"}
    show_legend(swatches, used or None)
    st.caption("Hover a highlighted phrase to see its persona, cue group and a suggestion. "
               "A dashed underline marks a negated cue (\u201cno sales calls\u201d).")
    st.html(sections_html(result["sections"], result["evidence"], swatches))

    rws = rewrites(result["evidence"], swatches)
    st.subheader("Suggested rewrites")
    if rws:
        st.html(rewrites_html(rws, swatches))
    else:
        st.write(md_escape(no_rewrites_text(
            result["evidence"], swatches, "Nothing here pulls toward an anti-persona or a risk pack.")))

    _show_sentences(result, swatches)

    who = swatches[target].name if target in swatches else target
    st.subheader(md_escape(f"Tone against {who}'s targets"))
    rows = tone_rows(result.get("tone", {}), eng.personas, target)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if result.get("words", 0) < 40:
        st.caption("Tone only counts toward scores for copy of 40 words or more.")

    with st.expander("Every cue found"):
        rows = evidence_rows(result["evidence"], swatches, result.get("tone"))
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _show_sentences(result: dict[str, Any], swatches: dict[str, Swatch]) -> None:
    sentences = result.get("sentences") or []
    st.subheader("Sentences that pull hardest toward an anti-persona")
    if not sentences:
        st.write("None: no sentence pulls toward an anti-persona or a risk pack.")
        return
    text = _piece_text(result)
    for s, row in zip(sentences[:5], sentence_rows(sentences[:5], swatches), strict=True):
        start, end = int(s.get("start", 0)), int(s.get("end", 0))
        facts = [f"pulls toward {row['Pulls toward'] or 'an anti-persona'}", f"in the {row['Where']}",
                 f"reading grade {row['Grade']:.0f}"]
        if row["Passive"]:
            facts.append("passive voice")
        st.caption(md_escape(" · ".join(facts)))
        st.html(text_block(text[start:end] or row["Sentence"], result["evidence"], swatches, base=start))


def _piece_text(result: dict[str, Any]) -> str:
    from ...models import SECTION_SEPARATOR

    return SECTION_SEPARATOR.join(s["text"] for s in result.get("sections", []))
