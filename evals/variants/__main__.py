"""Command line: ``python -m evals.variants [--gold ...] [--samples ...] [--out ...]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import evals.variants
from evals.variants.generate import generate

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m evals.variants", description=(evals.variants.__doc__ or "").splitlines()[0]
    )
    ap.add_argument("--gold", default=str(ROOT / "evals" / "gold"))
    ap.add_argument("--samples", default=str(ROOT / "evals" / "data" / "samples"))
    ap.add_argument("--out", default=str(ROOT / "evals" / "data" / "variants"))
    args = ap.parse_args(argv)
    manifest = generate(Path(args.gold), Path(args.samples), Path(args.out))
    by_layout: dict[str, int] = {}
    for e in manifest:
        by_layout[e["layout"]] = by_layout.get(e["layout"], 0) + 1
    print(f"{len(manifest)} variants in {args.out}: " + ", ".join(f"{k} {v}" for k, v in by_layout.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
