"""Gradio app (a later issue): for now it points to the command line."""

from __future__ import annotations


def main() -> int:
    """Print where the product is used today."""
    print("The UI is not built yet; use `nianbao extract PATH... --out DIR`.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
