"""Personas: the packs that define who the copy should and should not attract — what each
listens for, a box to try a phrase, an editor that validates before it saves, and the cues
that fired most in a run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ...packs.lexicon import Persona
from ...packs.locations import save_path
from ..explain import evidence_rows, verdict_headline
from ..highlight import KIND_LABELS, Swatch, md_escape, palette, safe_color, sections_html, swatch
from ..packs import all_terms, group_rows, tone_rows, validate_pack_text
from .common import (
    engine,
    engine_palette,
    list_runs,
    open_store,
    page_header,
    policy,
    reset_engine,
    run_label,
)

KIND_HELP = {
    "persona": "the customer the copy should attract",
    "anti-persona": "a customer the copy should not attract",
    "risk": "a way personalised copy can misfire",
}


def render() -> None:
    page_header("Personas",
                "The packs behind every verdict: who the copy should attract (the target), who it "
                "should not (anti-personas) and the risks to avoid, with the cues each one listens for.")
    eng = engine()
    swatches = engine_palette()
    packs, trial, edit, fired = st.tabs(["Packs in use", "Try a phrase", "Edit a pack",
                                         "Cues fired in a run"])
    with packs:
        _packs(eng.personas, swatches, eng.config.target)
    with trial:
        _try_phrase(swatches)
    with edit:
        _editor(eng.personas)
    with fired:
        _fired()


def _packs(personas: list[Persona], swatches: dict[str, Swatch], target: str) -> None:
    for p in sorted(personas, key=lambda p: (p.id != target, p.kind, p.name)):
        sw = swatch(swatches, p.id)
        kind = "target persona" if p.id == target else KIND_LABELS.get(p.kind, p.kind)
        with st.expander(md_escape(f"{p.name} — {kind}, {len(p.cues)} cue groups, {p.size} cues"),
                         expanded=p.id == target):
            st.html(f'<div style="border-left:6px solid {safe_color(sw.color)};padding-left:0.6rem;">'
                    f'<b>{_esc(p.name)}</b> <code>{_esc(p.id)}</code> · version {_esc(p.version)} · '
                    f'{_esc(KIND_HELP.get(p.kind, p.kind))}<br>{_esc(p.description)}</div>')
            st.dataframe(pd.DataFrame(group_rows(p)), hide_index=True, width="stretch",
                         column_config={"Examples": st.column_config.TextColumn(width="large"),
                                        "Why": st.column_config.TextColumn(width="large")})
            if p.tone:
                st.markdown("**Tone that pulls toward this pack**")
                st.dataframe(pd.DataFrame(tone_rows(p)), hide_index=True)
            group = st.selectbox("Show every cue of a group", ["", *(g.group for g in p.cues)],
                                 key=f"terms_{p.id}", format_func=lambda g: g or "Choose a group…")
            if group:
                st.text("\n".join(all_terms(p, group)))
            st.caption(md_escape(f"File: {p.path}"))


def _try_phrase(swatches: dict[str, Swatch]) -> None:
    st.write("Type a phrase or a sentence to see which packs pick it up.")
    phrase = st.text_input("Phrase", key="try_phrase", placeholder="e.g. Book a demo with our sales team")
    if not phrase.strip():
        return
    eng = engine()
    result = eng.check_text(phrase, channel="draft")
    data = result.to_dict()
    text, level = verdict_headline(data["verdict"], swatches, eng.config.target)
    getattr(st, level)(md_escape(text))
    sections = [{"role": s.role, "text": s.text} for s in result.piece.sections]
    st.html(sections_html(sections, data["evidence"], swatches))
    cues = [e for e in data["evidence"] if e.get("kind") == "cue"]
    if cues:
        st.dataframe(pd.DataFrame(evidence_rows(cues, swatches)), hide_index=True, width="stretch")
    else:
        st.write("No pack has a cue for this phrase.")


def _editor(personas: list[Persona]) -> None:
    st.write("Change a pack's YAML, check it, then save. Nothing is written until the check passes. "
             "A shipped pack is saved as your own copy in your packs folder, used from then on.")
    by_id = {p.id: p for p in personas}
    pid = st.selectbox("Pack", list(by_id), key="edit_pack", format_func=lambda i: by_id[i].name)
    persona = by_id[pid]
    path = Path(persona.path)
    key = f"edit_yaml_{pid}"
    if key not in st.session_state:
        st.session_state[key] = path.read_text(encoding="utf-8")
    text = st.text_area(f"{path.name}", key=key, height=420)
    can_save = policy().allow_pack_edits
    check_col, save_col, reset_col = st.columns([1, 1, 4])
    check = check_col.button("Check", key="edit_check")
    save = save_col.button("Save", key="edit_save", type="primary", disabled=not can_save,
                           help=None if can_save else "Saving is off: this app is reachable from "
                           "other machines. Whoever starts it can turn it on with "
                           "`antipersona app --allow-pack-edits`.") and can_save
    if not can_save:
        st.caption("Saving is off because this app is reachable from other machines; Check "
                   "still validates an edit.")
    if reset_col.button("Discard changes", key="edit_reset", type="tertiary"):
        del st.session_state[key]
        st.rerun()
    if not (check or save):
        return
    others = [Path(p.path) for p in personas if p.id != pid]
    result = validate_pack_text(text, path, others)
    if not result.ok:
        st.error(f"{len(result.problems)} problem(s); nothing was saved.")
        for problem in result.problems:
            st.markdown(f"- **line {problem.line}**: {md_escape(problem.message)}")
        _show_lines(text, [p.line for p in result.problems])
        return
    if save:
        target = save_path(path)  # a shipped pack is never written: its edit goes to the user's folder
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        reset_engine()
        st.success(md_escape(f"Saved {target}. New checks use the edited pack."))
    else:
        st.success("The pack is valid. Press Save to use it.")


def _show_lines(text: str, lines: list[int]) -> None:
    """The lines around each problem, numbered, so the user finds them in the box above;
    windows that touch are merged."""
    all_lines = text.splitlines()
    wanted = set(lines)
    keep = sorted({i for n in wanted for i in range(max(1, n - 2), min(len(all_lines), n + 2) + 1)})
    shown: list[str] = []
    for prev, i in zip([0, *keep], keep, strict=False):
        if shown and i != prev + 1:
            shown.append("       …")
        shown.append(f"{'>>' if i in wanted else '  '} {i:4d} | {all_lines[i - 1]}")
    if shown:
        st.code("\n".join(shown[:200]), language=None)


def _fired() -> None:
    store = open_store()
    runs = list_runs(store) if store else []
    if not store or not runs:
        st.write("No runs yet: audit some pages first.")
        return
    labels = {r["id"]: run_label(r) for r in runs}
    run_id = st.selectbox("Run", list(labels), key="fired_run", format_func=lambda i: labels[i])
    swatches = palette(store.run(run_id)["personas"])  # the packs that run used
    by_group, by_phrase = st.columns(2)
    groups = store.cue_counts(run_id, limit=15)
    phrases = store.cue_counts(run_id, limit=15, by="phrase")
    with by_group:
        st.markdown("**Cue groups**")
        st.dataframe(pd.DataFrame([{"Persona": swatch(swatches, r["persona"]).name, "Cue group": r["group"],
                                    "Hits": r["hits"], "Pieces": r["pieces"]} for r in groups]),
                     hide_index=True, width="stretch")
    with by_phrase:
        st.markdown("**Phrases**")
        st.dataframe(pd.DataFrame([{"Phrase": r["phrase"], "Persona": swatch(swatches, r["persona"]).name,
                                    "Hits": r["hits"], "Pieces": r["pieces"]} for r in phrases]),
                     hide_index=True, width="stretch")


def _esc(text: object) -> str:
    from html import escape

    return escape(str(text))
