"""`antipersona eval`: labelled copy in the user's own labels, mapped to verdicts and packs;
the metric definitions (macro-F1 over the labels in the file, an unmapped verdict a miss for its
own label only); JSON keys; grouped cross-validation; and one clear line for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.evaluate import (
    EVAL_FILE,
    Labelled,
    grouped_cv,
    label_map,
    load_labelled,
    ordered_labels,
    parse_map,
    predicted_label,
    verdict_metrics,
)
from audit.models import Verdict
from tests.test_cli_check import run

PACKS = ["susie-solopreneur", "beth-bureaucrat", "bargain-hunter", "over-personalization"]
MAP = "solo=on-target,enterprise=beth-bureaucrat,bargain=bargain-hunter,creepy=over-personalization"

# Copy written for this test, in our own words.
ITEMS = [
    {"id": "s1", "label": "solo", "channel": "landing", "source": "https://one.test/a",
     "text": "Bookkeeping for one-person shops\nStart free, no credit card. Set it up yourself "
             "in five minutes and send your first invoice tonight. $8 a month, cancel anytime."},
    {"id": "s2", "label": "solo", "source": "https://one.test/b",
     "text": "Built for freelancers and tiny teams: no sales calls, no setup fees, just sign up "
             "and get paid faster."},
    {"id": "e1", "label": "enterprise", "channel": "landing", "source": "https://two.test/x",
     "text": "Enterprise-grade governance\nRequest a demo to discuss SSO, SAML, SCIM provisioning, "
             "SOC 2 reports and a procurement-ready MSA with our enterprise sales team."},
    {"id": "e2", "label": "enterprise", "channel": "email", "source": "https://two.test/y",
     "text": "Your security review is scheduled. Our solutions architect will walk your "
             "stakeholders through the implementation roadmap and sign-off process."},
    {"id": "b1", "label": "bargain", "channel": "ad",
     "text": "Lowest price guaranteed! Stack coupons for 70% off, free forever plan and a full "
             "refund, no questions asked."},
    {"id": "c1", "label": "creepy", "channel": "email",
     "text": "Hi {{first_name}}, we noticed you looked at our pricing page three times from your "
             "phone in Leeds last night. Only 2 spots left!"},
    {"id": "n1", "label": "neutral", "channel": "blog",
     "text": "Release notes: the export dialog now remembers the last folder you used, and the "
             "date picker shows week numbers."},
]


@pytest.fixture()
def labelled(tmp_path: Path) -> Path:
    path = tmp_path / "copy.jsonl"
    path.write_text("".join(json.dumps(it) + "\n" for it in ITEMS), encoding="utf-8")
    return path


def _item(label: str, i: int = 0) -> Labelled:
    return Labelled(id=f"{label}-{i}", channel="draft", split="", label=label, persona=None,
                    attracts=None, hard=None, text="x", meta={"source": f"https://h{i % 3}.test/"})


def test_map_parsing_and_labels_that_name_themselves() -> None:
    assert parse_map(["solo=on-target, enterprise=beth-bureaucrat", "x=neutral"]) == {
        "solo": "on-target", "enterprise": "beth-bureaucrat", "x": "neutral"}
    for bad in ("solo", "solo=", "=neutral"):
        with pytest.raises(ValueError, match="bad --map entry"):
            parse_map([bad])
    labels = label_map(["on-target", "beth-bureaucrat", "solo"], {"solo": "on-target"}, PACKS)
    assert labels == {"on-target": "on-target", "beth-bureaucrat": "beth-bureaucrat",
                      "solo": "on-target"}
    with pytest.raises(ValueError, match="unknown label 'bargain'"):
        label_map(["bargain"], {}, PACKS)
    with pytest.raises(ValueError, match="'villain' is neither a verdict"):
        label_map(["bad"], {"bad": "villain"}, PACKS)


def test_a_persona_label_means_the_verdict_naming_it() -> None:
    labels = {"enterprise": "beth-bureaucrat", "bargain": "bargain-hunter", "solo": "on-target"}
    assert predicted_label("enterprise", Verdict("wrong-audience", "beth-bureaucrat"), labels) \
        == "enterprise"
    assert predicted_label("enterprise", Verdict("wrong-audience", "bargain-hunter"), labels) \
        == "bargain"
    assert predicted_label("solo", Verdict("mixed", "beth-bureaucrat"), labels) is None
    assert predicted_label("solo", Verdict("risk", "over-personalization"), labels) is None


def test_macro_f1_counts_an_unmapped_verdict_as_a_miss_only() -> None:
    # Labels a and b (a -> on-target, b -> neutral). Three items of a: one right, one said
    # neutral (b), one said mixed (no label). Two of b, both right.
    labels = {"a": "on-target", "b": "neutral"}
    items = [_item("a", 0), _item("a", 1), _item("a", 2), _item("b", 3), _item("b", 4)]
    verdicts = [Verdict("on-target"), Verdict("neutral"), Verdict("mixed"), Verdict("neutral"),
                Verdict("neutral")]
    res = verdict_metrics(items, verdicts, labels)
    # a: tp 1, fp 0, fn 2 -> P 1, R 1/3, F1 0.5.  b: tp 2, fp 1, fn 0 -> P 2/3, R 1, F1 0.8.
    # The mixed verdict is a miss for a and a false positive for nobody.
    assert res["labels"]["a"]["f1"] == pytest.approx(0.5)
    assert res["labels"]["b"]["precision"] == pytest.approx(2 / 3)
    assert res["labels"]["b"]["f1"] == pytest.approx(0.8)
    assert res["verdict_macro_f1"] == pytest.approx(0.65)
    assert res["accuracy"] == pytest.approx(3 / 5)
    assert res["confusion"]["a"] == {"a": 1, "b": 1, "(none)": 1}
    # Only labels in the file count: a label mapped but absent changes nothing.
    assert verdict_metrics(items, verdicts, {**labels, "c": "mixed"})["verdict_macro_f1"] \
        == pytest.approx(0.5 * (0.5 + 0.8))


def test_grouped_cv_keeps_each_host_in_one_fold() -> None:
    items = [_item("a", i) for i in range(6)] + [_item("b", i) for i in range(6, 9)]
    labels = {"a": "on-target", "b": "neutral"}
    assert grouped_cv(items, labels, None) is None
    seen: list[set[str]] = []

    def fit(train: list[Labelled]):  # type: ignore[no-untyped-def]
        seen.append({it.meta["source"] for it in train})
        majority = max(("a", "b"), key=lambda lab: sum(it.label == lab for it in train))
        return lambda item: Verdict(labels[majority])

    res = grouped_cv(items, labels, fit, folds=3)
    assert res is not None and res["groups"] == 3 and res["folds"] == 3
    assert all(len(hosts) == 2 for hosts in seen)  # each fold trains without its own host
    assert res["accuracy"] == pytest.approx(6 / 9)


def test_our_labelled_set_shape_is_accepted() -> None:
    items = load_labelled(EVAL_FILE)
    assert {it.split for it in items} == {"dev", "holdout"}
    labels = label_map(ordered_labels(items), {}, PACKS)
    assert all(k == v for k, v in labels.items())


def test_cli_text_output(labelled: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    r = run(["eval", str(labelled), "--map", MAP, "--profile", "fast", "--group-by", "source"],
            cli_env, tmp_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "7 items: verdict macro-F1" in out
    for needle in ("enterprise", "beth-bureaucrat", "AUC vs target", "(none)", "one.test",
                   "two.test"):
        assert needle in out, needle


def test_cli_json_keys(labelled: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    r = run(["eval", str(labelled), "--map", MAP, "-f", "json", "--model", "fast"], cli_env,
            tmp_path)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert {"verdict_macro_f1", "accuracy", "labels", "personas", "confusion", "groups",
            "misses"} <= set(res)
    assert set(res["labels"]) == {"solo", "enterprise", "bargain", "creepy", "neutral"}
    assert res["labels"]["enterprise"]["maps_to"] == "beth-bureaucrat"
    assert res["personas"]["beth-bureaucrat"]["positives"] == 2
    assert "auc_vs_target" in res["personas"]["beth-bureaucrat"]
    assert "auc_vs_target" not in res["personas"]["susie-solopreneur"]
    for miss in res["misses"]:
        assert {"id", "gold", "predicted", "scores"} <= set(miss)
    assert res["accuracy"] >= 5 / 7, res["misses"]  # plain cases: the packs get most right


@pytest.mark.parametrize(("content", "args", "message"), [
    (None, [], "missing.jsonl: no such file or folder"),
    ("", [], "copy.jsonl: empty file"),
    ('{"text": "hi", "label": "neutral"}\n{oops\n', [], "copy.jsonl:2: invalid JSON"),
    ('{"text": "hi"}\n', [], "copy.jsonl:1: item has no 'label'"),
    ('{"text": "hi", "label": "solo"}\n', [], "unknown label 'solo': map it with --map"),
    ('{"text": "hi", "label": "solo"}\n', ["--map", "solo"], "bad --map entry 'solo'"),
    ('{"text": "hi", "label": "solo"}\n', ["--map", "solo=hero"], "'hero' is neither a verdict"),
    ('{"text": "hi", "label": "neutral", "channel": "fax"}\n', [], "copy.jsonl:1: unknown channel 'fax'"),
    ('{"text": "hi", "label": "neutral"}\n', ["--group-by", "site"], "no item has a field"),
    ('{"text": "hi", "label": "neutral"}\n', ["-f", "xml"], "unknown --format 'xml'"),
    ('{"text": "hi", "label": "neutral"}\n', ["--model", "no_such_pipeline"],
     "cannot load spaCy pipeline 'no_such_pipeline'"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, cli_env: dict[str, str],
                                              content: str | None, args: list[str],
                                              message: str) -> None:
    name = "missing.jsonl" if content is None else "copy.jsonl"
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    r = run(["eval", name, "--profile", "fast", *args], cli_env, tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
