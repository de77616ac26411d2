"""One cold render of the Streamlit app, server-side, in a fresh process (used by app_speed.py).

    ANTIPERSONA_DB=runs.db .venv/bin/python bench/app_probe.py OUT.json [--run RUN_ID]

Times ``AppTest.from_file("app.py").run()`` (the first script run: the landing page sends a
reader with runs to the Report page, which renders the newest run), then a second run in the
same process (warm caches), and writes both with what the page showed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _values(elements) -> list[str]:
    out = []
    for el in elements:
        try:
            out.append(str(el.value))
        except Exception:
            continue
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--run", default=None)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=args.timeout)
    if args.run:
        at.query_params["run"] = args.run
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    info = {
        "first": first,
        "exceptions": [str(e.value)[:500] for e in at.exception],
        "titles": _values(at.title),
        "metrics": [f"{m.label}: {m.value}" for m in at.metric][:8],
        "dataframes": len(at.dataframe),
        "errors": _values(at.error),
    }
    start = time.perf_counter()
    at.run()
    info["second"] = time.perf_counter() - start
    args.out.write_text(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
