"""`personas learn`: the log-odds statistic on a hand-computed example, planted terms come out on
top, the written pack lints and loads, and bad input is one clear line with exit 2."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path

import pytest

from audit.packs.learn import extract_terms, log_odds_z, propose, read_documents, render_pack
from audit.packs.lexicon import lint_paths
from tests.test_cli_check import run

ROOT = Path(__file__).resolve().parent.parent


def test_log_odds_z_matches_a_hand_computed_example() -> None:
    # n = m = 4 document-term incidences a side; a0 = 4 spread over the pooled counts (4 + 4):
    # a_w = 4 * 4 / 8 = 2 for both terms.
    # delta_a = log((3+2)/(4+4-3-2)) - log((1+2)/(4+4-1-2)) = log(5/3) - log(3/5) = 2 log(5/3)
    # var_a = 1/(3+2) + 1/(1+2) = 8/15;  z_a = 2 log(5/3) / sqrt(8/15) = 1.0217 / 0.7303 = 1.3990
    scores = log_odds_z(Counter({"a": 3, "b": 1}), Counter({"a": 1, "b": 3}), prior_total=4)
    delta, z = scores["a"]
    assert delta == pytest.approx(2 * math.log(5 / 3))
    assert z == pytest.approx(2 * math.log(5 / 3) / math.sqrt(8 / 15))
    assert z == pytest.approx(1.3990, abs=1e-4)
    assert scores["b"][1] == pytest.approx(-z)  # the mirror image leans the other way


def test_default_prior_shrinks_rare_terms() -> None:
    anti = Counter({"rare": 1, "common": 30, "filler": 50})
    against = Counter({"common": 5, "filler": 50, "other": 26})  # the same total as anti
    scores = log_odds_z(anti, against)
    assert scores["common"][1] > scores["rare"][1] > 0
    assert scores["filler"][1] == pytest.approx(0.0)


def test_terms_are_lemmas_and_two_word_phrases_without_stop_words_or_numbers() -> None:
    [terms] = extract_terms(["Refunds requested: 42 of them! The sign-off took weeks."])
    keys = set(terms.spans)
    assert {"refund", "request", "refund request", "sign-off", "week"} <= keys
    assert "42" not in keys and "the" not in keys and "of" not in keys
    assert "request sign-off" not in keys  # a phrase does not cross a sentence or punctuation
    start, end = terms.spans["refund request"]
    assert "Refunds requested: 42 of them!"[start:end] == "Refunds requested"


FILLER = ["invoice", "client", "project", "week", "payment", "team", "report", "email",
          "schedule", "order", "update", "customer", "account", "product", "service", "market",
          "office", "meeting", "budget", "design"]


def _corpus(seed: int, n: int, planted: list[str], share: float) -> list[str]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        words = rng.sample(FILLER, 6)
        if rng.random() < share:
            words.insert(rng.randrange(len(words) + 1), rng.choice(planted))
        docs.append(" ".join(words) + ".")
    return docs


def test_planted_terms_come_out_on_top() -> None:
    planted = ["chargeback", "price match", "coupon"]
    anti = _corpus(1, 120, planted, 0.9)
    against = _corpus(2, 120, [], 0.0)
    proposal = propose(anti, against, top=10, min_df=3)
    top = [s.term for s in proposal.terms[:3]]
    assert set(top) == {"chargeback", "price match", "coupon"}, proposal.terms
    assert all(s.df_against == 0 and s.z > 3 for s in proposal.terms[:3])
    assert not proposal.warnings
    # Filler words are spread evenly: none of them is proposed.
    assert not {s.term for s in proposal.terms} & set(FILLER)


def test_written_pack_lints_clean_and_loads(tmp_path: Path) -> None:
    anti = _corpus(3, 60, ["chargeback", "price match"], 0.8)
    against = _corpus(4, 60, [], 0.0)
    proposal = propose(anti, against, top=10, min_df=3)
    text = render_pack(proposal, pack_id="chargeback-chaser", name="Chargeback chaser",
                       anti_source="notes.txt", against_source="happy.txt")
    path = tmp_path / "chargeback-chaser.yaml"
    path.write_text(text, encoding="utf-8")
    packs, problems = lint_paths([path])
    assert problems == []
    [pack] = packs
    assert pack.status == "proposed" and pack.kind == "anti-persona"
    terms = [t for g in pack.cues for t in g.terms]
    assert terms[0] in ("chargeback", "price match")
    assert "# z " in text and "e.g." in text and "Monroe" in text


def test_a_pack_learned_from_text_with_control_characters_reads_back(tmp_path: Path) -> None:
    """Examples, file names, the command line and --name can carry an escape code, a DEL or a
    line separator (U+2028): none may reach the written comments, or YAML refuses the pack."""
    odd = ["\x1b[31m", "\x7f", "\u2028", "\x85", "\x9b2J", "\x00"]
    anti = [f"{doc[:-1]} {odd[i % len(odd)]}chargeback now." for i, doc in
            enumerate(_corpus(5, 60, ["chargeback"], 0.9))]
    proposal = propose(anti, _corpus(6, 60, [], 0.0), top=10, min_df=3)
    text = render_pack(proposal, pack_id="chargeback-chaser", name="Chargeback \x1b]0;x\x07chaser",
                       anti_source="notes\x1b[2J.txt", against_source="happy\u2028.txt",
                       command="antipersona personas learn notes\x1b[2J.txt --name \x1b]0;x\x07")
    path = tmp_path / "chargeback-chaser.yaml"
    path.write_text(text, encoding="utf-8")
    packs, problems = lint_paths([path])
    assert problems == []
    assert "chargeback" in [t for g in packs[0].cues for t in g.terms]
    assert not any(c in text for c in "\x1b\x7f\u2028\x85\x9b\x00")


def test_a_control_character_in_a_pack_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text("id: odd\nname: Odd\nkind: risk\n# a note \x1b[31m\ncues: []\n",
                    encoding="utf-8")
    _, problems = lint_paths([path])
    assert problems == [f"{path}:4: invalid YAML: a control character (U+001B) that YAML does "
                        "not allow; delete it"]


def test_status_must_be_known(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text("id: odd\nname: Odd\nkind: persona\nstatus: draft\ncues:\n"
                    "  - group: g\n    terms: [x]\n", encoding="utf-8")
    _, problems = lint_paths([path])
    assert problems == [f"{path}:4: status 'draft' must be one of active, proposed"]


def test_reads_txt_csv_jsonl_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one\n\ntwo\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text('id,text\n1,"first, with a comma"\n2,second\n', encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "x y"}) + "\n\n"
                                      + json.dumps({"text": "z"}) + "\n", encoding="utf-8")
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "p.md").write_text("# Page\n\nText.\n", encoding="utf-8")
    (folder / "sub" / "q.txt").write_text("Other.\n", encoding="utf-8")
    (folder / "skip.png").write_bytes(b"\x89PNG\r\n")
    assert read_documents(tmp_path / "a.txt") == ["one", "two"]
    assert read_documents(tmp_path / "a.csv") == ["first, with a comma", "second"]
    assert read_documents(tmp_path / "a.jsonl") == ["x y", "z"]
    assert read_documents(folder) == ["# Page\n\nText.", "Other."]


def test_cli_writes_a_pack_from_the_bundled_example(tmp_path: Path,
                                                   cli_env: dict[str, str]) -> None:
    learn = ROOT / "examples" / "learn"
    r = run(["personas", "learn", str(learn / "refund-requests.txt"), "--against",
             str(learn / "happy-customers.txt"), "--id", "refund-seeker", "--name",
             "Refund seeker", "--top", "12"], cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr
    assert "wrote refund-seeker.yaml" in r.stderr
    pack = tmp_path / "refund-seeker.yaml"
    lint = run(["personas", "lint", str(pack)], cli_env, tmp_path)
    assert lint.returncode == 0, lint.stdout
    text = pack.read_text(encoding="utf-8")
    assert '- "refund"' in text and "status: proposed" in text
    again = run(["personas", "learn", str(learn / "refund-requests.txt"), "--against",
                 str(learn / "happy-customers.txt"), "--id", "refund-seeker"], cli_env, tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_cli_warns_on_few_documents(tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "anti.txt").write_text("\n".join(_corpus(5, 30, ["coupon"], 0.9)), encoding="utf-8")
    (tmp_path / "ok.txt").write_text("\n".join(_corpus(6, 30, [], 0.0)), encoding="utf-8")
    r = run(["personas", "learn", "anti.txt", "--against", "ok.txt", "--id", "coupon-people"],
            cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning: only 30 document(s) on the anti side" in r.stderr
    assert "warning: only 30 document(s) on the against side" in r.stderr


@pytest.mark.parametrize(("files", "args", "message"), [
    ({}, ["missing.txt"], "missing.txt: no such file or folder"),
    ({"empty.txt": ""}, ["empty.txt"], "empty.txt: empty file"),
    ({"blank.txt": "\n \n"}, ["blank.txt"], "blank.txt: no documents"),
    ({"bad.jsonl": '{"text": "fine"}\n{"text": \n'}, ["bad.jsonl"], "bad.jsonl:2: invalid JSON"),
    ({"notext.csv": "body\nhello\n"}, ["notext.csv"], "notext.csv:2: item has no 'text' field"),
    ({"x.pdf": "%PDF-1.4"}, ["x.pdf"], "x.pdf: unknown file type '.pdf'"),
    ({"a.txt": "refund\n"}, ["a.txt", "--id", "Bad_Id"], "--id 'Bad_Id' must be lower-case"),
    ({"a.txt": "refund\n"}, ["a.txt", "--kind", "villain"], "unknown --kind 'villain'"),
    ({"a.txt": "refund\n"}, ["a.txt", "-o", "other.yaml"], "other.yaml: a pack file is named"),
    ({"a.txt": "refund\n"}, ["a.txt"], "no term leans clearly to a.txt"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, cli_env: dict[str, str],
                                              files: dict[str, str], args: list[str],
                                              message: str) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "ok.txt").write_text("happy customer\nnice tool\n", encoding="utf-8")
    r = run(["personas", "learn", args[0], "--against", "ok.txt",
             *(args[1:] if "--id" in args else ["--id", "p", *args[1:]])], cli_env, tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln and "warning" not in ln]
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr
