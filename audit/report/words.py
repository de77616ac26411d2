"""Counts in words: "1 piece", "2 pieces", for every summary line a person reads."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` with ``word`` (one) or ``many`` (default ``word`` + "s")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
