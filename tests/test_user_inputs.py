"""A copywriter's own files that are slightly off: a config file saved with a byte-order mark
or named as a folder, packs named twice or in a folder that holds none, pack files that are not
UTF-8, CSV files with a quote left open, and --map entries that contradict or miss. Each is one
clear line naming the file, never a traceback and never a silent wrong result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.config import load_config
from audit.errors import ConfigError

SOLO_PACK = """id: {id}
name: Own pack
kind: anti-persona
cues:
  - group: own
    weight: 1
    terms: [{term}]
"""


# --- the config file ------------------------------------------------------------------------

def test_a_config_with_a_byte_order_mark_and_crlf_is_read(tmp_path: Path) -> None:
    cfg = tmp_path / "antipersona.toml"
    cfg.write_bytes(b'\xef\xbb\xbftarget = "beth-bureaucrat"\r\nmax_file_bytes = 5000\r\n')
    loaded = load_config(cfg)
    assert loaded.target == "beth-bureaucrat" and loaded.max_file_bytes == 5000


def test_a_pyproject_with_a_byte_order_mark_is_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(
        b'\xef\xbb\xbf[tool.antipersona]\r\nmax_file_bytes = 7000\r\n')
    sub = tmp_path / "content"
    sub.mkdir()
    from audit.config import find_config

    assert find_config(sub) == tmp_path / "pyproject.toml"


def test_a_broken_pyproject_with_our_table_is_named_not_skipped(tmp_path: Path) -> None:
    """A typo in pyproject.toml used to make the search skip it and run with defaults; when the
    file holds [tool.antipersona], the mistake is named instead."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.antipersona]\ntarget = "beth-bureaucrat\n', encoding="utf-8")
    from audit.config import find_config

    found = find_config(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError, match=r"pyproject.toml: not valid TOML"):
        load_config(found)


def test_a_broken_pyproject_of_another_tool_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.other]\nname = "x\n', encoding="utf-8")
    from audit.config import find_config

    assert find_config(tmp_path) is None


def test_a_config_named_as_a_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r": is a folder; name the config file"):
        load_config(tmp_path)


def test_a_config_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    cfg = tmp_path / "antipersona.toml"
    cfg.write_bytes('target = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 at offset 13\)"):
        load_config(cfg)


@pytest.mark.parametrize("value", ['["landing", 5]', '["landing", ""]', '"landing"'])
def test_config_channels_must_be_names(tmp_path: Path, value: str) -> None:
    cfg = tmp_path / "antipersona.toml"
    cfg.write_text(f"channels = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"channels must be a non-empty list of names"):
        load_config(cfg)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True,
                          env=env, cwd=cwd)


def test_cli_config_folder_exits_2_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "d.md").write_text("Start free today.\n", encoding="utf-8")
    (tmp_path / "conf").mkdir()
    r = run(["check", "d.md", "--config", "conf"], tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "antipersona: conf: is a folder; name the config file (antipersona.toml or "
        "pyproject.toml)"]


# --- the user's own packs -------------------------------------------------------------------

def _pack(folder: Path, pack_id: str, term: str = "refund please") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pack_id}.yaml"
    path.write_text(SOLO_PACK.format(id=pack_id, term=term), encoding="utf-8")
    return path


def test_packs_named_twice_are_read_once(tmp_path: Path) -> None:
    from audit.packs.lexicon import lint_paths

    mine = tmp_path / "mine"
    own = _pack(mine, "refund-seeker")
    personas, problems = lint_paths([Path("shipped"), Path("shipped"), mine, own])
    assert problems == []
    assert sorted(p.id for p in personas).count("refund-seeker") == 1
    assert len(personas) == len({p.id for p in personas})


def test_a_named_folder_without_packs_is_a_problem_not_nothing(tmp_path: Path) -> None:
    """`--personas shipped --personas mine` with the packs one folder deeper used to run
    without them and exit 0."""
    from audit.packs.lexicon import lint_paths

    mine = tmp_path / "mine"
    _pack(mine / "packs", "refund-seeker")
    (mine / "notes.txt").write_text("not a pack\n", encoding="utf-8")
    _, problems = lint_paths([Path("shipped"), mine])
    assert problems == [f"{mine}: no persona packs (*.yaml) in this folder"]


def test_a_pack_that_is_not_utf8_or_not_text_is_named_in_words(tmp_path: Path) -> None:
    from audit.packs.lexicon import lint_paths

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "latin.yaml").write_bytes(
        "id: latin\nname: Caf\xe9 owners\nkind: risk\ncues: []\n".encode("latin-1"))
    (mine / "image.yaml").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (mine / "folder.yaml").mkdir()  # a folder in a packs folder is not a pack
    _pack(mine, "fine")
    _, problems = lint_paths([mine])
    assert problems == [f"{mine / 'image.yaml'}:1: a binary file, not a YAML pack",
                        f"{mine / 'latin.yaml'}:2: not UTF-8 text (byte 0xe9); save the pack "
                        "as UTF-8"]
    assert not any("Error" in p for p in problems)


def test_cli_check_with_an_empty_packs_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "d.md").write_text("Start free today.\n", encoding="utf-8")
    (tmp_path / "mine").mkdir()
    r = run(["check", "d.md", "--personas", "shipped", "--personas", "mine"], tmp_path)
    assert r.returncode == 2, r.stdout
    assert r.stderr.strip() == "mine: no persona packs (*.yaml) in this folder"


# --- CSV files of copy (personas learn, eval) ------------------------------------------------

def test_a_csv_quote_left_open_is_named_not_swallowed(tmp_path: Path) -> None:
    """An open quote used to read every following row as part of one text, silently."""
    from audit.errors import InputError
    from audit.sources.records import read_records

    path = tmp_path / "copy.csv"
    path.write_text('text,label\n"Start free today",on-target\n"Book a demo, then wait,neutral\n'
                    '"Stack three codes",bargain-hunter\n"Cancel anytime",on-target\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"copy\.csv:3: invalid CSV in the row that starts "
                                         r"here \(',' expected after '\"': a quote is left "
                                         r"open or stray\)"):
        read_records(path)
    path.write_text('text,label\n"Start free today",on-target\n"Book a demo, then wait,neutral\n'
                    'Cancel anytime,on-target\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"copy\.csv:3: invalid CSV \(a quoted field that "
                                         r"starts in this row is never closed\)"):
        read_records(path)
    fine = tmp_path / "fine.csv"
    fine.write_bytes(b'\xef\xbb\xbftext,label\r\n"Two lines,\r\nin one cell",on-target\r\n'
                     b'"Book a demo",beth-bureaucrat\r\n')
    assert [(n, r["label"]) for n, r in read_records(fine)] == [
        (3, "on-target"), (4, "beth-bureaucrat")]


def test_learn_names_the_csv_with_the_open_quote(tmp_path: Path) -> None:
    rows = "\n".join(f'"Please refund order {i}, it was too dear",x' for i in range(30))
    (tmp_path / "anti.csv").write_text('text,x\n' + rows + '\n"I want my money back,x\n',
                                       encoding="utf-8")
    (tmp_path / "happy.txt").write_text("\n".join(f"Love the app, day {i}" for i in range(30)),
                                        encoding="utf-8")
    r = run(["personas", "learn", "anti.csv", "--against", "happy.txt", "--id", "t-x"], tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == ("antipersona: anti.csv:32: invalid CSV (a quoted field that "
                                "starts in this row is never closed)")
    assert not (tmp_path / "t-x.yaml").exists()


# --- eval's --map -----------------------------------------------------------------------------

def test_a_label_mapped_two_ways_is_refused() -> None:
    from audit.evaluate import parse_map

    with pytest.raises(ValueError, match=r"--map gives label 'solo' twice: solo=on-target and "
                                         r"solo=neutral"):
        parse_map(["solo=on-target,enterprise=beth-bureaucrat", "solo=neutral"])
    assert parse_map(["solo=on-target", "solo=on-target"]) == {"solo": "on-target"}


def test_a_mistyped_map_label_is_named_beside_the_unmapped_one() -> None:
    from audit.evaluate import label_map

    ids = ["beth-bureaucrat", "susie-solopreneur"]
    with pytest.raises(ValueError, match=r"unknown label 'enterprise': .*; --map names "
                                         r"'enterprize', which no item has$"):
        label_map(["solo", "enterprise"], {"solo": "on-target", "enterprize": "beth-bureaucrat"},
                  ids)


def test_numeric_labels_are_read_as_text_and_other_kinds_are_named(tmp_path: Path) -> None:
    from audit.errors import InputError
    from audit.evaluate import load_labelled

    path = tmp_path / "copy.jsonl"
    path.write_text('{"text": "Start free today.", "label": 0}\n'
                    '{"text": "Book a demo with procurement.", "label": 1}\n', encoding="utf-8")
    assert [it.label for it in load_labelled(path)] == ["0", "1"]
    path.write_text('{"text": "Start free today.", "label": ["solo", "bargain"]}\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"copy\.jsonl:1: 'label' must be text, not a list"):
        load_labelled(path)


def test_cli_eval_warns_about_a_map_label_no_item_has(tmp_path: Path) -> None:
    (tmp_path / "copy.jsonl").write_text(
        '{"text": "Start free today, no card needed.", "label": "on-target"}\n'
        '{"text": "Talk to sales about SSO and procurement.", "label": "enterprise"}\n',
        encoding="utf-8")
    r = run(["eval", "copy.jsonl", "--map", "enterprise=beth-bureaucrat,solo=on-target"],
            tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == ("antipersona: warning: copy.jsonl: --map names a label no item "
                                "has: solo (the labels: on-target, enterprise)")
