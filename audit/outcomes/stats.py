"""Spearman's rank correlation, its bootstrap confidence interval and Benjamini-Hochberg
q-values, in a few lines of numpy (no scipy: spaCy brings numpy already).

Why these: page outcomes are skewed (a few pages get most sessions) and scores saturate, so a
rank correlation asks the honest question, "do pages that score higher tend to have higher
values?", without assuming a straight line. The bootstrap interval says how sure that is
for this many pages; the q-value corrects for testing every persona against every metric.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np

BOOTSTRAP_ROUNDS = 2000
SEED = 20261116
#: Above this many pages, fewer rounds (at least MIN_ROUNDS, about WORK / n).
LARGE_N = 500
MIN_ROUNDS = 400
WORK = 1_000_000
#: Resampled values held at once (per side).
CHUNK = 1_000_000


def rank_rows(values: np.ndarray) -> np.ndarray:
    """Average ranks (1-based, ties share their mean rank) along the last axis of a 2-D array."""
    rows, n = values.shape
    order = np.argsort(values, axis=1, kind="mergesort")
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones((rows, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(starts, axis=1) - 1 + (np.arange(rows) * n)[:, None]  # unique per row
    positions = np.broadcast_to(np.arange(1, n + 1, dtype=float), (rows, n))
    sums = np.bincount(group.ravel(), weights=positions.ravel(), minlength=rows * n)
    counts = np.bincount(group.ravel(), minlength=rows * n)
    mean_rank = sums[group] / counts[group]
    ranks = np.empty_like(mean_rank)
    np.put_along_axis(ranks, order, mean_rank, axis=1)
    return ranks


def _pearson_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    denom = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (a * b).sum(axis=1) / np.where(denom > 0, denom, 1), np.nan)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho (Pearson correlation of average ranks); NaN when either side is constant."""
    xs = np.asarray(x, dtype=float)[None, :]
    ys = np.asarray(y, dtype=float)[None, :]
    return float(_pearson_rows(rank_rows(xs), rank_rows(ys))[0])


def bootstrap_ci(x: Sequence[float], y: Sequence[float], *, rounds: int = BOOTSTRAP_ROUNDS,
                 seed: int | str = SEED, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of Spearman's rho: pages resampled with replacement,
    ``rounds`` times, from a seeded generator (the same data give the same interval). A string
    seed (e.g. "persona|metric") is hashed, so each pair has its own stream."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(xs)
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode("utf-8")) ^ SEED
    rng = np.random.default_rng(seed)
    dx, ux = _dense(xs)
    dy, uy = _dense(ys)
    if n > LARGE_N:  # the interval is narrow there; keep a large run's report quick
        rounds = max(MIN_ROUNDS, min(rounds, WORK // n))
    block = max(1, CHUNK // max(n, 1))  # resamples per step, so memory stays small
    parts = []
    for start in range(0, rounds, block):
        idx = rng.integers(0, n, size=(min(block, rounds - start), n))
        parts.append(_pearson_rows(_resampled_ranks(dx, ux, idx), _resampled_ranks(dy, uy, idx)))
    rhos = np.concatenate(parts)
    rounds = len(rhos)
    rhos = rhos[~np.isnan(rhos)]
    if len(rhos) < rounds // 2:
        return (math.nan, math.nan)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(rhos, [tail, 100 - tail])
    return float(low), float(high)


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's index among the distinct values, and how many distinct values there are."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1), len(uniq)


def _resampled_ranks(dense: np.ndarray, distinct: int, idx: np.ndarray) -> np.ndarray:
    """Average ranks of resampled rows without sorting: a resample only repeats the original
    values, so counting each distinct value per row (one bincount) gives every rank."""
    d = dense[idx]
    rows = d.shape[0]
    flat = d + (np.arange(rows) * distinct)[:, None]
    counts = np.bincount(flat.ravel(), minlength=rows * distinct).reshape(rows, distinct)
    average = np.cumsum(counts, axis=1) - counts + (counts + 1) / 2
    return np.take_along_axis(average, d, axis=1)


def spearman_p(rho: float, n: int) -> float:
    """Two-sided p-value of rho = 0 from the Fisher z approximation for Spearman (variance
    1.06 / (n - 3), Fieller, Hartley & Pearson 1957); good from about ten pages up."""
    if n <= 3 or math.isnan(rho):
        return math.nan
    r = max(min(rho, 0.999999), -0.999999)
    z = math.atanh(r) * math.sqrt((n - 3) / 1.06)
    return math.erfc(abs(z) / math.sqrt(2))


def benjamini_hochberg(p: Sequence[float]) -> list[float]:
    """q-values (Benjamini-Hochberg step-up, monotone); NaN p-values stay NaN, uncounted."""
    values = np.asarray(p, dtype=float)
    out = np.full(len(values), np.nan)
    ok = np.flatnonzero(~np.isnan(values))
    m = len(ok)
    if not m:
        return out.tolist()
    order = ok[np.argsort(values[ok], kind="mergesort")]
    scaled = values[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out[order] = np.minimum(q, 1.0)
    return out.tolist()
