"""Persona packs: the shipped ones are valid and rich; lint finds every kind of mistake with
the file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audit import LexiconError
from audit.packs.lexicon import DEFAULT_LEXICON_DIR, lint_paths, load_packs, term_variants

DEFAULT_IDS = {"susie-solopreneur", "beth-bureaucrat", "bargain-hunter", "over-personalization"}


def test_default_packs_load_with_public_ids() -> None:
    packs = {p.id: p for p in load_packs()}
    assert set(packs) == DEFAULT_IDS
    assert packs["susie-solopreneur"].kind == "persona"
    assert packs["beth-bureaucrat"].kind == "anti-persona"
    assert packs["bargain-hunter"].kind == "anti-persona"
    assert packs["over-personalization"].kind == "risk"


@pytest.mark.parametrize("pid", sorted(DEFAULT_IDS))
def test_default_packs_are_rich(pid: str) -> None:
    pack = next(p for p in load_packs() if p.id == pid)
    assert len(pack.cues) >= 5, "several cue groups"
    assert pack.size >= 150, "hundreds of terms and patterns between the packs"
    for group in pack.cues:
        assert group.note, f"{pid}/{group.group} needs a note"
        assert len(group.suggest) >= 2, f"{pid}/{group.group} needs suggestions"


def test_beth_covers_acronyms_and_spelling_variants() -> None:
    beth = next(p for p in load_packs() if p.id == "beth-bureaucrat")
    acronyms = {a for g in beth.cues for a in g.acronyms}
    assert {"SSO", "SAML", "SCIM", "SLA", "RBAC"} <= acronyms
    terms = {t.lower() for g in beth.cues for t in g.terms}
    assert any("sign-off" in t or "sign off" in t for t in terms)


def test_over_personalization_catches_merge_tags(engine) -> None:  # type: ignore[no-untyped-def]
    for tag in ("{{first_name}}", "*|FNAME|*", "%FIRSTNAME%"):
        result = engine.check_text(f"Hi {tag}, your order is ready.", channel="email")
        groups = {(e.persona, e.group) for e in result.evidence}
        assert any(p == "over-personalization" for p, _ in groups), tag
        assert result.verdict.label == "risk", tag


def test_term_variants_cover_hyphen_space_and_joined() -> None:
    assert set(term_variants("sign-off")) == {"sign-off", "sign off", "signoff"}
    assert set(term_variants("on premise")) == {"on premise", "on-premise", "onpremise"}


BAD_PACK = """\
id: broken-pack
name: Broken
kind: anti-persona
version: "1"
colour: "#ff0000"
cues:
  - group: one
    weight: 4
    terms: [procurement, Procurement, sign off]
    suggest: [a, b]
    note: x
  - group: two
    weight: 1
    terms: [sign-off]
    patterns:
      - [{LOWER: book}, {NOT_AN_ATTR: a}]
    regex: ['(unclosed']
    suggest: [a, b]
    note: y
tone:
  reading_ease: {above: 3, weight: 0.5}
"""


def test_lint_reports_each_problem_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken-pack.yaml"
    path.write_text(BAD_PACK, encoding="utf-8")
    _, problems = lint_paths([path])
    text = "\n".join(problems)
    assert f"{path}:5: unknown key 'colour'" in text
    assert f"{path}:8: weight 4 is out of range" in text
    assert "term 'Procurement' is listed twice" in text and f"{path}:9:" in text
    assert "term 'sign-off' is listed twice" in text and f"{path}:14:" in text
    assert f"{path}:16: invalid spaCy Matcher pattern" in text
    assert f"{path}:17: invalid regular expression" in text
    assert f"{path}:21: unknown tone metric 'reading_ease'" in text


def test_tone_min_words_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "tone-words.yaml"
    path.write_text('id: tone-words\nname: T\nkind: risk\nversion: "1"\ncues:\n'
                    "  - group: g\n    weight: 1\n    terms: [watching]\n"
                    "tone:\n  watch_rate: {above: 1, weight: 0.2, min_words: 0}\n"
                    "  hype_rate: {above: 1, weight: 0.2, min_words: 5}\n", encoding="utf-8")
    personas, problems = lint_paths([path])
    assert len(problems) == 1 and "min_words must be a whole number of at least 1" in problems[0]
    assert f"{path}:10:" in problems[0], problems
    path.write_text(path.read_text(encoding="utf-8").replace("min_words: 0", "min_words: 1"),
                    encoding="utf-8")
    personas, problems = lint_paths([path])
    assert not problems
    assert {t.metric: t.min_words for t in personas[0].tone} == {"watch_rate": 1, "hype_rate": 5}
    assert [t.describe() for t in personas[0].tone] == ["watch_rate above 1, from 1 word",
                                                        "hype_rate above 1, from 5 words"]


def test_a_group_whose_only_regex_is_refused_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "only-regex.yaml"
    path.write_text('id: only-regex\nname: R\nkind: risk\nversion: "1"\ncues:\n'
                    "  - group: g\n    weight: 1\n    regex: ['(unclosed']\n", encoding="utf-8")
    _, problems = lint_paths([path])
    assert len(problems) == 1 and "invalid regular expression" in problems[0], problems


def test_lint_bad_yaml_and_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\nname: [unclosed\n", encoding="utf-8")
    good = (DEFAULT_LEXICON_DIR / "bargain-hunter.yaml").read_text(encoding="utf-8")
    (tmp_path / "bargain-hunter.yaml").write_text(good, encoding="utf-8")
    copy = tmp_path / "sub"
    copy.mkdir()
    (copy / "bargain-hunter.yaml").write_text(good, encoding="utf-8")
    _, problems = lint_paths([tmp_path, copy])
    assert any(p.startswith(f"{tmp_path / 'a.yaml'}:") and "invalid YAML" in p for p in problems)
    assert any("duplicate id 'bargain-hunter'" in p for p in problems)


def test_lint_duplicate_keys_unclosed_lists_and_references_point_at_their_lines(
        tmp_path: Path) -> None:
    """A key written twice (YAML keeps the last silently), an unclosed "[" reported where it
    opens, and references at their own line; a broken pack is not reported again as a missing
    reference from the packs that name it."""
    beth = (DEFAULT_LEXICON_DIR / "beth-bureaucrat.yaml").read_text(encoding="utf-8")
    twice = beth.replace("kind: anti-persona", "kind: anti-persona\nkind: persona", 1)
    (tmp_path / "beth-bureaucrat.yaml").write_text(twice, encoding="utf-8")
    kind_line = twice.splitlines().index("kind: persona") + 1
    (tmp_path / "susie-solopreneur.yaml").write_text(
        "id: susie-solopreneur\nname: Susie\ncues:\n  - group: g\n    terms: [start free,\n"
        "      free trial\n    weight: 1\n", encoding="utf-8")
    bargain = (DEFAULT_LEXICON_DIR / "bargain-hunter.yaml").read_text(encoding="utf-8")
    wrong_ref = bargain.replace("counts_for: susie-solopreneur", "counts_for: susie-solo", 1)
    (tmp_path / "bargain-hunter.yaml").write_text(wrong_ref, encoding="utf-8")
    ref_line = next(i for i, line in enumerate(wrong_ref.splitlines(), 1)
                    if line.strip() == "counts_for: susie-solo")
    _, problems = lint_paths([tmp_path])
    beth_path, susie_path = tmp_path / "beth-bureaucrat.yaml", tmp_path / "susie-solopreneur.yaml"
    assert f"{beth_path}:{kind_line}: key 'kind' written twice (first at line {kind_line - 1})" \
        in "\n".join(problems)
    assert any(p.startswith(f"{susie_path}:5: invalid YAML") for p in problems), problems
    assert f"{tmp_path / 'bargain-hunter.yaml'}:{ref_line}: negation.counts_for names " \
           "'susie-solo'" in "\n".join(problems)
    assert len(problems) == 3, "beth naming the broken susie pack is not a problem of its own"


def test_lint_one_pack_that_names_a_pack_beside_it() -> None:
    packs, problems = lint_paths([DEFAULT_LEXICON_DIR / "beth-bureaucrat.yaml"])
    assert problems == [] and [p.id for p in packs] == ["beth-bureaucrat"]


def test_shipped_names_the_shipped_packs_beside_a_users_own(tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    """After ``pip install`` there is no lexicons/ folder to name: ``shipped`` is the packs that
    come with the tool, on the command line and in a config file; a missing path says so."""
    own = tmp_path / "refund-seeker.yaml"
    own.write_text('id: refund-seeker\nname: Refund seeker\nkind: anti-persona\nversion: "1"\n'
                   'color: "#884422"\ncues:\n  - group: refunds\n    weight: 1\n'
                   '    terms: [no questions asked]\n    suggest: [a fair trial period]\n'
                   '    note: Refund talk draws refund seekers.\n', encoding="utf-8")
    ids = [p.id for p in load_packs([Path("shipped"), own])]
    assert "susie-solopreneur" in ids and "refund-seeker" in ids
    (tmp_path / "antipersona.toml").write_text('personas = ["shipped", "refund-seeker.yaml"]\n',
                                               encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Refunds, no questions asked. Start free today.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "audit", "check", str(draft), "-f", "json"],
                         capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Refund seeker" in run.stdout and "Susie the Solopreneur" in run.stdout
    missing = subprocess.run([sys.executable, "-m", "audit", "check", str(draft), "--personas",
                              "lexicons"], capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "lexicons: no such file or folder (the shipped packs are named 'shipped')" in (
        missing.stdout + missing.stderr)


def test_load_packs_raises_with_all_problems(tmp_path: Path) -> None:
    path = tmp_path / "broken-pack.yaml"
    path.write_text(BAD_PACK, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_packs([path])
    assert len(info.value.problems) >= 7


def test_cli_lint_exit_codes(tmp_path: Path, cli_env: dict[str, str]) -> None:
    ok = subprocess.run([sys.executable, "-m", "audit", "personas", "lint"], capture_output=True,
                        text=True, env=cli_env, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok: 4 pack(s)")
    path = tmp_path / "broken-pack.yaml"
    path.write_text(BAD_PACK, encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "audit", "personas", "lint", str(path)],
                         capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert bad.returncode == 2
    assert f"{path}:8:" in bad.stdout
    assert "Traceback" not in bad.stderr
    same = subprocess.run([sys.executable, "-m", "audit", "personas", "lint", "--personas",
                           str(path)], capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert same.returncode == 2 and same.stdout == bad.stdout, "--personas as check takes it"


def test_cli_broken_pack_in_use_is_a_clear_error(tmp_path: Path, cli_env: dict[str, str]) -> None:
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "broken-pack.yaml").write_text(BAD_PACK, encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Start free today.", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "audit", "check", str(draft), "--personas",
                          str(packs)], capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert run.returncode == 2
    assert "broken-pack.yaml:8:" in run.stderr
    assert "Traceback" not in run.stderr


def test_personas_list_and_show(tmp_path: Path, cli_env: dict[str, str]) -> None:
    out = subprocess.run([sys.executable, "-m", "audit", "personas", "list"], capture_output=True,
                         text=True, env=cli_env, cwd=tmp_path)
    assert out.returncode == 0
    assert "susie-solopreneur" in out.stdout and "(target)" in out.stdout
    assert len(out.stdout.splitlines()) == 4, "one line a pack, piped or not"
    show = subprocess.run([sys.executable, "-m", "audit", "personas", "show", "beth-bureaucrat"],
                          capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert show.returncode == 0 and "try instead:" in show.stdout
    missing = subprocess.run([sys.executable, "-m", "audit", "personas", "show", "nobody"],
                             capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert missing.returncode == 2 and "no pack 'nobody'" in missing.stderr


def test_edits_of_shipped_packs_go_to_the_user_folder_and_are_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from audit.packs.locations import SHIPPED_PACKS, save_path, with_user_edits

    monkeypatch.setenv("ANTIPERSONA_PACKS_DIR", str(tmp_path / "mine"))
    shipped = SHIPPED_PACKS / "beth-bureaucrat.yaml"
    target = save_path(shipped)
    assert target == tmp_path / "mine" / "beth-bureaucrat.yaml"  # never the shipped file
    own = tmp_path / "own" / "pack.yaml"
    assert save_path(own) == own  # a pack of the user's own is edited where it is
    assert with_user_edits([DEFAULT_LEXICON_DIR]) == sorted(SHIPPED_PACKS.glob("*.yaml"))
    target.parent.mkdir()
    target.write_text(shipped.read_text(encoding="utf-8").replace("Beth the Bureaucrat", "Beth (edited)"),
                      encoding="utf-8")
    assert target in with_user_edits([DEFAULT_LEXICON_DIR])
    names = {p.id: p.name for p in load_packs()}
    assert names["beth-bureaucrat"] == "Beth (edited)"
